//! Export a [`RoadGraph`] for the Python yardsticks (scipy, igraph,
//! networkx) as NumPy `.npy` arrays: no parsing cost on either side and
//! exact integers.

use std::io::Write;

use anyhow::Result;

use super::graph::RoadGraph;

/// Write a `.npy` header for a C-order array of `dtype` (e.g. `<u4`) and `shape`.
fn npy_header(w: &mut impl Write, dtype: &str, shape: &[usize]) -> Result<()> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_s = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut dict = format!("{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape_s}, }}");
    // magic(6) + version(2) + len(2) + dict + '\n' is a multiple of 64.
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    w.write_all(b"\x93NUMPY\x01\x00")?;
    w.write_all(&(dict.len() as u16).to_le_bytes())?;
    w.write_all(dict.as_bytes())?;
    Ok(())
}

/// The edges as an `(edges, 3)` `uint32` array: tail, head, weight in ms.
pub fn write_edges_npy(g: &RoadGraph, w: &mut impl Write) -> Result<()> {
    npy_header(w, "<u4", &[g.edge_count(), 3])?;
    for e in 0..g.edge_count() {
        for x in [g.tail[e], g.head[e], g.weight_ms[e]] {
            w.write_all(&x.to_le_bytes())?;
        }
    }
    Ok(())
}

/// A row-major `(rows, cols)` `uint64` array (milliseconds; `u64::MAX` unreachable).
pub fn write_u64_npy(values: &[u64], rows: usize, cols: usize, w: &mut impl Write) -> Result<()> {
    npy_header(w, "<u8", &[rows, cols])?;
    for v in values {
        w.write_all(&v.to_le_bytes())?;
    }
    Ok(())
}

/// A `uint32` vector (node ids).
pub fn write_u32_npy(values: &[u32], w: &mut impl Write) -> Result<()> {
    npy_header(w, "<u4", &[values.len()])?;
    for v in values {
        w.write_all(&v.to_le_bytes())?;
    }
    Ok(())
}

/// The edges as CSV for networkx and friends: `tail,head,weight_ms,length_m`
/// (graph node ids, integer ms, metres to the millimetre), one row per
/// directed edge in edge order.
pub fn write_edges_csv(g: &RoadGraph, w: &mut impl Write) -> Result<()> {
    writeln!(w, "tail,head,weight_ms,length_m")?;
    for e in 0..g.edge_count() {
        writeln!(
            w,
            "{},{},{},{:.3}",
            g.tail[e], g.head[e], g.weight_ms[e], g.length_m[e]
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_aligned_and_describes_the_array() {
        let mut buf = Vec::new();
        write_u32_npy(&[1, 2, 3], &mut buf).expect("in memory");
        let header_len = u16::from_le_bytes([buf[8], buf[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0);
        let header = std::str::from_utf8(&buf[10..10 + header_len]).expect("ascii");
        assert!(header.starts_with("{'descr': '<u4', 'fortran_order': False, 'shape': (3,), }"));
        assert_eq!(buf.len(), 10 + header_len + 12);
        assert_eq!(
            &buf[10 + header_len..10 + header_len + 4],
            &1u32.to_le_bytes()
        );
    }
}
