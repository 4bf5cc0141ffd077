//! The in-memory model every stage works on. Codes (ODS practice codes, ONS
//! area codes, PCN codes) live only at the edges; between stages we pass the
//! id newtypes below, which index the `Vec`s of [`Dataset`].

use geo::{Coord, MultiPolygon};
use serde::Serialize;
use std::sync::OnceLock;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("Index of a ", $what, " in its `Vec` in [`Dataset`].")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn idx(self) -> usize {
                self.0 as usize
            }
            pub fn from_idx(i: usize) -> Self {
                Self(i as u32)
            }
        }
    };
}

id_type!(PracticeId, "practice");
id_type!(PcnId, "primary care network");
id_type!(AreaId, "small area (LSOA)");
id_type!(
    BranchId,
    "branch surgery (a practice's site other than its main one)"
);

/// ONS Rural-Urban Classification of a small area: the 2011 classes (LSOA
/// 2011, `RUC11CD`) or the 2021 ones (LSOA 2021, `RUC21CD`); both parse, and
/// a dataset is read class by class (docs/methods.md, "Rural and sparse shares").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Ruc {
    // 2011 classes.
    /// Urban major conurbation
    A1,
    /// Urban minor conurbation
    B1,
    /// Urban city and town
    C1,
    /// Urban city and town in a sparse setting
    C2,
    /// Rural town and fringe
    D1,
    /// Rural town and fringe in a sparse setting
    D2,
    /// Rural village
    E1,
    /// Rural village in a sparse setting
    E2,
    // 2021 classes (ONS RUC 2021).
    /// Urban: nearer to a major town or city
    UN1,
    /// Urban: further from a major town or city
    UF1,
    /// Larger rural: nearer to a major town or city
    RLN1,
    /// Larger rural: further from a major town or city
    RLF1,
    /// Smaller rural: nearer to a major town or city
    RSN1,
    /// Smaller rural: further from a major town or city
    RSF1,
}

impl Ruc {
    pub const ALL: [Ruc; 14] = [
        Ruc::A1,
        Ruc::B1,
        Ruc::C1,
        Ruc::C2,
        Ruc::D1,
        Ruc::D2,
        Ruc::E1,
        Ruc::E2,
        Ruc::UN1,
        Ruc::UF1,
        Ruc::RLN1,
        Ruc::RLF1,
        Ruc::RSN1,
        Ruc::RSF1,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Ruc::A1 => "A1",
            Ruc::B1 => "B1",
            Ruc::C1 => "C1",
            Ruc::C2 => "C2",
            Ruc::D1 => "D1",
            Ruc::D2 => "D2",
            Ruc::E1 => "E1",
            Ruc::E2 => "E2",
            Ruc::UN1 => "UN1",
            Ruc::UF1 => "UF1",
            Ruc::RLN1 => "RLN1",
            Ruc::RLF1 => "RLF1",
            Ruc::RSN1 => "RSN1",
            Ruc::RSF1 => "RSF1",
        }
    }

    /// Parse a RUC code (case-insensitive, surrounding space ignored).
    pub fn parse(s: &str) -> Option<Ruc> {
        let s = s.trim();
        Ruc::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(s))
    }

    /// Rural: 2011 D1, D2, E1, E2; 2021 the four rural classes.
    pub fn is_rural(self) -> bool {
        matches!(
            self,
            Ruc::D1 | Ruc::D2 | Ruc::E1 | Ruc::E2 | Ruc::RLN1 | Ruc::RLF1 | Ruc::RSN1 | Ruc::RSF1
        )
    }

    /// Sparse setting: 2011 C2, D2, E2. The 2021 classification has no
    /// sparsity dimension (it replaced it with relative access); its
    /// "further from a major town or city" classes UF1, RLF1, RSF1 are the
    /// closest analogue and are treated as sparse (docs/methods.md).
    pub fn is_sparse(self) -> bool {
        matches!(
            self,
            Ruc::C2 | Ruc::D2 | Ruc::E2 | Ruc::UF1 | Ruc::RLF1 | Ruc::RSF1
        )
    }
}

/// Where an area's representative point came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CentroidSource {
    /// Population-weighted centroid given in the input.
    PopulationWeighted,
    /// No centroid given: an interior point of the polygon (geo's
    /// `InteriorPoint`, which lies inside the polygon, unlike the plain
    /// centroid of a crescent-shaped area).
    InteriorPoint,
}

/// A small area (LSOA): the building block of footprints.
#[derive(Clone, Debug)]
pub struct Area {
    pub code: String,
    pub name: Option<String>,
    /// Local authority district code, when the input carries one.
    pub lad_code: Option<String>,
    /// Boundary in British National Grid metres.
    pub geometry: MultiPolygon<f64>,
    /// The boundary's positions as read, when the input was WGS84: longitude
    /// and latitude in units of 1e-7 degree (the outputs' precision), one per
    /// vertex of `geometry` in its order (polygon by polygon, exterior then
    /// holes). GeoJSON outputs write these back instead of transforming every
    /// vertex from BNG again. Empty for BNG input and for areas built in code;
    /// whoever changes `geometry` must clear it.
    pub input_lonlat_e7: Vec<[i32; 2]>,
    /// Resident population, when known.
    pub population: Option<u64>,
    pub ruc: Option<Ruc>,
    /// Representative point in BNG metres.
    pub centroid: Coord<f64>,
    pub centroid_source: CentroidSource,
}

/// Anything holding an area boundary in BNG metres, so that adjacency and
/// dissolve borrow the dataset's geometry instead of copying it.
pub trait Shape: Sync {
    fn shape(&self) -> &MultiPolygon<f64>;
}

impl Shape for MultiPolygon<f64> {
    fn shape(&self) -> &MultiPolygon<f64> {
        self
    }
}

impl Shape for Area {
    fn shape(&self) -> &MultiPolygon<f64> {
        &self.geometry
    }
}

impl<T: Shape + ?Sized> Shape for &T {
    fn shape(&self) -> &MultiPolygon<f64> {
        (**self).shape()
    }
}

/// A GP practice.
#[derive(Clone, Debug)]
pub struct Practice {
    pub code: String,
    pub name: String,
    pub pcn: Option<PcnId>,
    /// Registered list size; `None` when the input has none.
    pub list_size: Option<u64>,
    pub postcode: Option<String>,
    /// Location in BNG metres; `None` when it could not be located (a
    /// postcode that does not geocode).
    pub location: Option<Coord<f64>>,
    /// Sub-ICB location, ICB and region (empty when the input has none).
    pub org: OrgUnits,
}

/// A branch surgery: a site a practice works from besides its main one
/// (the practice's own location). From `sites.csv` (`kind = branch`).
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The site's code (ODS branch codes are the parent's code + 3 digits).
    pub code: String,
    pub practice: PracticeId,
    pub name: String,
    pub postcode: Option<String>,
    /// Location in BNG metres; `None` when it could not be located.
    pub location: Option<Coord<f64>>,
    /// Open to the practice's registered patients (the default). `false`
    /// for a site that serves a closed population — a school sanatorium, a
    /// prison surgery: staff visit it, but patients from the areas are not
    /// sent there and it is not a hub.
    pub serves_patients: bool,
}

/// A primary care network.
#[derive(Clone, Debug)]
pub struct Pcn {
    pub code: String,
    pub name: String,
    /// Member practices, in input order.
    pub practices: Vec<PracticeId>,
    /// Sub-ICB location, ICB and region: its practices' ([`pcn_org`]).
    pub org: OrgUnits,
}

/// A PCN's org units: its practices', or, when they disagree (a PCN spanning
/// two sub-ICB locations), those of the org with the largest summed list
/// size (ties: lowest sub-ICB code, then ICB, then region). The second value
/// lists every distinct org of the members, in order, when there is more
/// than one (empty otherwise). Practices without org units are ignored.
pub fn pcn_org(practices: &[Practice], members: &[PracticeId]) -> (OrgUnits, Vec<OrgUnits>) {
    let mut size: std::collections::BTreeMap<&OrgUnits, u64> = std::collections::BTreeMap::new();
    for &m in members {
        let p = &practices[m.idx()];
        if !p.org.is_empty() {
            *size.entry(&p.org).or_insert(0) += p.list_size.unwrap_or(0);
        }
    }
    // BTreeMap iterates by org (sub-ICB code first): the first of the
    // largest wins.
    let best = size
        .iter()
        .fold(None::<(&OrgUnits, u64)>, |acc, (o, n)| match acc {
            Some((_, m)) if m >= *n => acc,
            _ => Some((o, *n)),
        })
        .map(|(o, _)| o.clone())
        .unwrap_or_default();
    let all: Vec<OrgUnits> = if size.len() > 1 {
        size.keys().map(|o| (*o).clone()).collect()
    } else {
        Vec::new()
    };
    (best, all)
}

/// Patients registered at a practice who live in an area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registration {
    pub practice: PracticeId,
    pub area: AreaId,
    pub patients: u64,
}

/// A planner's assignment of an area to a PCN (`footprints.csv`). An area
/// may appear under two PCNs: that is a finding, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FootprintRow {
    pub area: AreaId,
    pub pcn: PcnId,
    /// 1-based line in the footprints file, for findings.
    pub line: u64,
}

/// An explicit link between two areas that do not touch (a bridge or ferry
/// across water), from `links.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaLink {
    pub a: AreaId,
    pub b: AreaId,
    pub kind: String,
}

/// One input file as read: for the report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InputFile {
    /// What the file is: `practices`, `areas`, `population`, ...
    pub role: String,
    pub path: String,
    pub sha256: String,
    /// Data rows or features read.
    pub rows: u64,
    /// The published product it is, when known (e.g. "NHS England: Patients
    /// Registered at a GP Practice (practice to PCN mapping)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Its edition: the file's own `EXTRACT_DATE`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<crate::load::edition::Date>,
}

/// Where a practice sits in the NHS: its sub-ICB location (the former CCG),
/// integrated care board (the former STP) and commissioning region, as
/// NHS England's practice → PCN map gives them. Empty strings when unknown
/// (the demo, or a practices file without these columns). Old maps'
/// `CCG_*`/`STP_*` columns are read into the sub-ICB and ICB fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OrgUnits {
    pub sub_icb_code: String,
    pub sub_icb_name: String,
    pub icb_code: String,
    pub icb_name: String,
    pub region_code: String,
}

impl OrgUnits {
    pub fn is_empty(&self) -> bool {
        self.sub_icb_code.is_empty() && self.icb_code.is_empty() && self.region_code.is_empty()
    }
}

/// Something in the input the tool can carry on with but must not hide: a
/// practice without a PCN, a postcode that does not geocode, an area with no
/// population. Written to the report and to `findings.csv`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Notice {
    /// Stable code, e.g. `PRACTICE_WITHOUT_PCN`.
    pub code: crate::findings::Code,
    /// The practice, area or PCN code it is about.
    pub subject: String,
    /// Human-readable detail naming the file and the value.
    pub detail: String,
}

/// What kind of place a named place is (OSM `place=*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    City,
    Town,
    Village,
}

/// A named place for orienting a map (a city, town or village), from the
/// road file's OSM `place=*` nodes or a Geofabrik places layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    pub name: String,
    pub kind: PlaceKind,
    /// BNG easting, northing.
    pub location: [f64; 2],
    /// OSM `population=*`, when given and a number.
    pub population: Option<u64>,
}

/// A loaded, validated dataset.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub practices: Vec<Practice>,
    pub pcns: Vec<Pcn>,
    pub areas: Vec<Area>,
    /// Patients registered by area of residence, in file order. Private so
    /// that every change goes through [`Dataset::registrations_mut`], which
    /// drops the index built from it.
    registrations: Vec<Registration>,
    /// Registration rows by practice and by area, built on first use.
    registration_index: OnceLock<RegistrationIndex>,
    /// `None` when no footprints file was given.
    pub footprints: Option<Vec<FootprintRow>>,
    pub links: Vec<AreaLink>,
    pub inputs: Vec<InputFile>,
    /// The national files a dataset written by `pcn-atlas import` was
    /// imported from, as its `import_report.json` lists them (empty for any
    /// other dataset). Read by `load::sources`.
    pub sources: Vec<InputFile>,
    /// Where the practices' list sizes came from, as the import report says
    /// (e.g. `list_sizes` or `registrations`); `None` when it does not say.
    pub list_size_source: Option<String>,
    pub notices: Vec<Notice>,
    /// Branch surgeries, in `sites.csv` order; empty without one.
    pub branches: Vec<Branch>,
    /// A sites file was given (`sites.csv`): the analysis works over sites
    /// (main and branches) rather than one point per practice, even when no
    /// practice has a branch. `false` keeps today's behaviour exactly.
    pub sites_given: bool,
}

/// Registration rows grouped by practice and by area (CSR over row
/// numbers, each group in file order), so that a stage reads a practice's
/// or an area's rows without scanning the whole table.
#[derive(Clone, Debug, Default)]
struct RegistrationIndex {
    by_practice_first: Vec<u32>,
    by_practice: Vec<u32>,
    by_area_first: Vec<u32>,
    by_area: Vec<u32>,
}

impl RegistrationIndex {
    fn build(regs: &[Registration], practices: usize, areas: usize) -> RegistrationIndex {
        let (by_practice_first, by_practice) = group_rows(regs, practices, |r| r.practice.idx());
        let (by_area_first, by_area) = group_rows(regs, areas, |r| r.area.idx());
        RegistrationIndex {
            by_practice_first,
            by_practice,
            by_area_first,
            by_area,
        }
    }
}

/// A stable counting sort of row numbers by `key` (keys at or beyond `n`
/// widen the table).
fn group_rows(
    regs: &[Registration],
    n: usize,
    key: impl Fn(&Registration) -> usize,
) -> (Vec<u32>, Vec<u32>) {
    let n = regs.iter().map(|r| key(r) + 1).max().unwrap_or(0).max(n);
    let mut first = vec![0u32; n + 1];
    for r in regs {
        first[key(r) + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut next = first.clone();
    let mut rows = vec![0u32; regs.len()];
    for (i, r) in regs.iter().enumerate() {
        let k = key(r);
        rows[next[k] as usize] = i as u32;
        next[k] += 1;
    }
    (first, rows)
}

impl Dataset {
    /// Every registration row, in file order.
    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }

    /// The registration rows to change; drops the index built from them.
    pub fn registrations_mut(&mut self) -> &mut Vec<Registration> {
        self.registration_index = OnceLock::new();
        &mut self.registrations
    }

    fn registration_index(&self) -> &RegistrationIndex {
        self.registration_index.get_or_init(|| {
            RegistrationIndex::build(&self.registrations, self.practices.len(), self.areas.len())
        })
    }

    /// The rows of group `k` of a CSR grouping (empty beyond its end).
    fn rows_of_group<'a>(
        &'a self,
        first: &'a [u32],
        rows: &'a [u32],
        k: usize,
    ) -> impl Iterator<Item = &'a Registration> + 'a {
        let group = match first.get(k..k + 2) {
            Some(w) => &rows[w[0] as usize..w[1] as usize],
            None => &[][..],
        };
        group.iter().map(|&i| &self.registrations[i as usize])
    }

    /// The registration rows of one practice, in file order.
    pub fn registrations_of(&self, p: PracticeId) -> impl Iterator<Item = &Registration> + '_ {
        let ix = self.registration_index();
        self.rows_of_group(&ix.by_practice_first, &ix.by_practice, p.idx())
    }

    /// The registration rows of the practices `members`, practice by
    /// practice in the order given, each practice's rows in file order.
    pub fn registrations_of_all<'a>(
        &'a self,
        members: &'a [PracticeId],
    ) -> impl Iterator<Item = &'a Registration> + 'a {
        members.iter().flat_map(|&p| self.registrations_of(p))
    }

    /// The registration rows of patients living in one area, in file order.
    pub fn registrations_in(&self, a: AreaId) -> impl Iterator<Item = &Registration> + '_ {
        let ix = self.registration_index();
        self.rows_of_group(&ix.by_area_first, &ix.by_area, a.idx())
    }

    pub fn practice(&self, id: PracticeId) -> &Practice {
        &self.practices[id.idx()]
    }
    pub fn pcn(&self, id: PcnId) -> &Pcn {
        &self.pcns[id.idx()]
    }
    pub fn area(&self, id: AreaId) -> &Area {
        &self.areas[id.idx()]
    }
    pub fn practice_ids(&self) -> impl Iterator<Item = PracticeId> + '_ {
        (0..self.practices.len()).map(PracticeId::from_idx)
    }
    pub fn pcn_ids(&self) -> impl Iterator<Item = PcnId> + '_ {
        (0..self.pcns.len()).map(PcnId::from_idx)
    }
    pub fn area_ids(&self) -> impl Iterator<Item = AreaId> + '_ {
        (0..self.areas.len()).map(AreaId::from_idx)
    }
    pub fn branch(&self, id: BranchId) -> &Branch {
        &self.branches[id.idx()]
    }
    pub fn branch_ids(&self) -> impl Iterator<Item = BranchId> + '_ {
        (0..self.branches.len()).map(BranchId::from_idx)
    }
    /// The branches of practice `p`, in `sites.csv` order.
    pub fn branches_of(&self, p: PracticeId) -> impl Iterator<Item = BranchId> + '_ {
        self.branch_ids()
            .filter(move |&b| self.branches[b.idx()].practice == p)
    }
}

/// Small hand-built datasets for unit tests.
#[cfg(test)]
pub mod testutil {
    use super::*;
    use geo::{Rect, coord};

    /// A square area of side `side_m` with its south-west corner at (x0, y0).
    pub fn square_area(
        code: &str,
        x0: f64,
        y0: f64,
        side_m: f64,
        population: u64,
        ruc: Ruc,
    ) -> Area {
        let r = Rect::new(
            coord! { x: x0, y: y0 },
            coord! { x: x0 + side_m, y: y0 + side_m },
        );
        Area {
            code: code.into(),
            name: None,
            lad_code: None,
            geometry: MultiPolygon(vec![r.to_polygon()]),
            input_lonlat_e7: Vec::new(),
            population: Some(population),
            ruc: Some(ruc),
            centroid: coord! { x: x0 + side_m / 2.0, y: y0 + side_m / 2.0 },
            centroid_source: CentroidSource::InteriorPoint,
        }
    }

    /// Add 1 km squares of 1,000 residents in a row along y = 0, the first
    /// with its south-west corner at the origin (centroids at x = 500,
    /// 1500, ...).
    pub fn squares_in_a_row(ds: &mut Dataset, codes: &[&str], ruc: Ruc) {
        for (i, code) in codes.iter().enumerate() {
            ds.areas
                .push(square_area(code, i as f64 * 1000.0, 0.0, 1000.0, 1000, ruc));
        }
    }

    /// A registration row: `n` patients of practice `p` living in area `a`.
    pub fn reg(p: u32, a: u32, n: u64) -> Registration {
        Registration {
            practice: PracticeId(p),
            area: AreaId(a),
            patients: n,
        }
    }

    /// Add a PCN with practices `(code, list_size, x, y)`; returns its id.
    pub fn add_pcn(ds: &mut Dataset, code: &str, practices: &[(&str, u64, f64, f64)]) -> PcnId {
        let id = PcnId::from_idx(ds.pcns.len());
        let mut members = Vec::new();
        for &(pc, n, x, y) in practices {
            members.push(PracticeId::from_idx(ds.practices.len()));
            ds.practices.push(Practice {
                code: pc.into(),
                name: format!("{pc} SURGERY"),
                pcn: Some(id),
                list_size: Some(n),
                postcode: None,
                location: Some(coord! { x: x, y: y }),
                org: OrgUnits::default(),
            });
        }
        ds.pcns.push(Pcn {
            code: code.into(),
            name: format!("{code} PCN"),
            practices: members,
            org: OrgUnits::default(),
        });
        id
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::reg;
    use super::*;

    /// The index gives each practice's and each area's rows in file order,
    /// as a scan of the whole table does, and a change drops it.
    #[test]
    fn registration_index_equals_a_scan() {
        let mut ds = Dataset::default();
        *ds.registrations_mut() = vec![
            reg(2, 0, 5),
            reg(0, 1, 7),
            reg(2, 1, 3),
            reg(0, 0, 1),
            reg(1, 2, 9),
            reg(2, 0, 4),
        ];
        let scan_p = |ds: &Dataset, p: u32| -> Vec<Registration> {
            ds.registrations()
                .iter()
                .filter(|r| r.practice.0 == p)
                .copied()
                .collect()
        };
        let scan_a = |ds: &Dataset, a: u32| -> Vec<Registration> {
            ds.registrations()
                .iter()
                .filter(|r| r.area.0 == a)
                .copied()
                .collect()
        };
        for p in 0..4 {
            let got: Vec<Registration> = ds.registrations_of(PracticeId(p)).copied().collect();
            assert_eq!(got, scan_p(&ds, p), "practice {p}");
        }
        for a in 0..4 {
            let got: Vec<Registration> = ds.registrations_in(AreaId(a)).copied().collect();
            assert_eq!(got, scan_a(&ds, a), "area {a}");
        }
        let both: Vec<u64> = ds
            .registrations_of_all(&[PracticeId(2), PracticeId(0)])
            .map(|r| r.patients)
            .collect();
        assert_eq!(both, vec![5, 3, 4, 7, 1]);
        ds.registrations_mut().push(reg(3, 3, 11));
        assert_eq!(
            ds.registrations_of(PracticeId(3))
                .copied()
                .collect::<Vec<_>>(),
            vec![reg(3, 3, 11)]
        );
        assert_eq!(ds.registrations_in(AreaId(3)).count(), 1);
    }
}
