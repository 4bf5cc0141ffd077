//! Practices located by their postcode (Code-Point Open), falling back to
//! their `epraccur` postcode, with a report entry for every practice that
//! cannot be located, has no list size or PCN, or is closed or dormant.

use super::national::MapPractice;
use super::{ImportSources, Log, National};
use crate::load::codepoint::normalise_postcode;
use geo::Coord;

/// Each map practice's location (BNG), in map order.
pub(super) fn locate_practices(
    src: &ImportSources,
    nat: &National,
    log: &mut Log,
) -> Vec<Option<Coord<f64>>> {
    nat.map
        .iter()
        .map(|p| {
            let loc = locate(src, nat, p, log);
            report_practice(src, nat, p, log);
            loc
        })
        .collect()
}

fn locate(
    src: &ImportSources,
    nat: &National,
    p: &MapPractice,
    log: &mut Log,
) -> Option<Coord<f64>> {
    let loc = nat.lookup.get(&p.postcode);
    if loc.is_some() {
        return loc;
    }
    let fallback = nat
        .ods
        .as_ref()
        .and_then(|o| o.get(&p.code))
        .filter(|r| normalise_postcode(&r.postcode) != normalise_postcode(&p.postcode))
        .and_then(|r| nat.lookup.get(&r.postcode).map(|c| (c, r.postcode.clone())));
    match fallback {
        Some((c, pc)) => {
            log.add(
                "POSTCODE_FROM_EPRACCUR",
                &p.code,
                format!(
                    "postcode {} is not in Code-Point Open; located by its epraccur postcode {pc}",
                    p.postcode
                ),
            );
            Some(c)
        }
        None => {
            log.add(
                "POSTCODE_NOT_FOUND",
                &p.code,
                format!(
                    "postcode {} of {} ({}) is not in Code-Point Open ({}): written without coordinates",
                    p.postcode,
                    p.name,
                    p.pcn_code,
                    src.postcodes.display()
                ),
            );
            None
        }
    }
}

/// A practice without a list size, closed or dormant in epraccur, or
/// without a PCN.
fn report_practice(src: &ImportSources, nat: &National, p: &MapPractice, log: &mut Log) {
    if let Some(n) = nat.list_sizes.filled.get(&p.code) {
        log.add(
            "LIST_SIZE_FROM_REGISTRATIONS",
            &p.code,
            format!(
                "{} ({}) has no row in {}: its list size is the sum of its registrations by area, {n}",
                p.name,
                p.pcn_code,
                nat.list_sizes.path.display()
            ),
        );
    }
    if !nat.list_sizes.sizes.contains_key(&p.code) {
        log.add(
            "NO_LIST_SIZE",
            &p.code,
            format!(
                "{} ({}) has no row in {}: written with an empty list_size (counts as 0)",
                p.name,
                p.pcn_code,
                nat.list_sizes.path.display()
            ),
        );
    }
    if let Some(r) = nat
        .ods
        .as_ref()
        .and_then(|o| o.get(&p.code))
        .filter(|r| r.status == "C" || r.status == "D")
    {
        let what = if r.status == "C" { "closed" } else { "dormant" };
        log.add(
            "PRACTICE_NOT_ACTIVE_IN_EPRACCUR",
            &p.code,
            format!(
                "{} is {what} (status {}) in epraccur but listed in the PCN map",
                r.name, r.status
            ),
        );
    }
    if p.pcn_code.is_empty() {
        log.add(
            "NO_PCN",
            &p.code,
            format!(
                "{} is in the PCN map {} as Unallocated (PCN code U): written without a PCN",
                p.name,
                src.map.display()
            ),
        );
    }
}
