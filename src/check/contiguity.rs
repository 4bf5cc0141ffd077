//! Connected components of a footprint in the area adjacency graph.

use crate::model::AreaId;
use std::collections::{HashSet, VecDeque};

/// Split `members` into connected components, walking only between members
/// along `neighbours` (area i's adjacent areas). Each component is sorted;
/// components come in order of their smallest area id (callers re-rank).
pub fn components(members: &[AreaId], neighbours: &[Vec<AreaId>]) -> Vec<Vec<AreaId>> {
    let inside: HashSet<AreaId> = members.iter().copied().collect();
    let mut seen: HashSet<AreaId> = HashSet::with_capacity(members.len());
    let mut sorted = members.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut out = Vec::new();
    for &start in &sorted {
        if !seen.insert(start) {
            continue;
        }
        let mut comp = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(a) = queue.pop_front() {
            for &b in &neighbours[a.idx()] {
                if inside.contains(&b) && seen.insert(b) {
                    comp.push(b);
                    queue.push_back(b);
                }
            }
        }
        comp.sort();
        out.push(comp);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> Vec<AreaId> {
        v.iter().map(|&i| AreaId(i)).collect()
    }

    /// 3×3 grid, rook neighbours, ids row by row:
    /// 0 1 2
    /// 3 4 5
    /// 6 7 8
    fn grid() -> Vec<Vec<AreaId>> {
        let mut n = vec![Vec::new(); 9];
        for r in 0..3u32 {
            for c in 0..3u32 {
                let i = r * 3 + c;
                if c < 2 {
                    n[i as usize].push(AreaId(i + 1));
                    n[(i + 1) as usize].push(AreaId(i));
                }
                if r < 2 {
                    n[i as usize].push(AreaId(i + 3));
                    n[(i + 3) as usize].push(AreaId(i));
                }
            }
        }
        n
    }

    #[test]
    fn a_network_split_by_the_middle_row_has_two_pieces() {
        // {0,1,2} and {6,7} are separated by row 3 4 5.
        let c = components(&ids(&[7, 0, 1, 2, 6]), &grid());
        assert_eq!(c, vec![ids(&[0, 1, 2]), ids(&[6, 7])]);
    }

    #[test]
    fn an_l_shape_is_one_piece_and_walks_only_inside() {
        let c = components(&ids(&[0, 3, 6, 7, 8]), &grid());
        assert_eq!(c, vec![ids(&[0, 3, 6, 7, 8])]);
        // 0 and 2 connect only through 1, which is outside.
        let c = components(&ids(&[0, 2]), &grid());
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn empty_and_duplicates() {
        assert!(components(&[], &grid()).is_empty());
        assert_eq!(components(&ids(&[4, 4]), &grid()), vec![ids(&[4])]);
    }
}
