//! The `.npy` sidecar (`--embeddings sidecar`): one row per span, shape
//! `[rows, 3, 384]` (query, response, combined), `<f4` or `<f2`. A span
//! without a response has a zero vector there. Spans carry their
//! `embedding_row`. `numpy.load(path)` (or `mmap_mode="r"`) reads it.

use anyhow::Context as _;
use half::f16;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Element type of the sidecar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    F32,
    F16,
}

const HEADER_LEN: usize = 128;

/// Streams rows into an `.npy` file; the header is rewritten with the final
/// row count by [`SidecarWriter::finish`].
pub struct SidecarWriter {
    out: BufWriter<File>,
    path: PathBuf,
    dtype: Dtype,
    dims: usize,
    rows: u64,
}

fn header(dtype: Dtype, rows: u64, dims: usize) -> Vec<u8> {
    let descr = match dtype {
        Dtype::F32 => "<f4",
        Dtype::F16 => "<f2",
    };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, 3, {dims}), }}");
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    let pad = HEADER_LEN - 10 - dict.len() - 1;
    h.extend_from_slice(&((HEADER_LEN - 10) as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h.extend(std::iter::repeat_n(b' ', pad));
    h.push(b'\n');
    h
}

impl SidecarWriter {
    pub fn create(path: &Path, dtype: Dtype, dims: usize) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&header(dtype, 0, dims))?;
        Ok(SidecarWriter { out, path: path.to_path_buf(), dtype, dims, rows: 0 })
    }

    /// Append one span's vectors; returns its row.
    pub fn push(&mut self, query: &[f32], response: Option<&[f32]>, combined: &[f32]) -> anyhow::Result<u64> {
        let zeros = vec![0f32; self.dims];
        for v in [query, response.unwrap_or(&zeros), combined] {
            anyhow::ensure!(v.len() == self.dims, "vector of {} dims in a {}-dim sidecar", v.len(), self.dims);
            match self.dtype {
                Dtype::F32 => v.iter().try_for_each(|x| self.out.write_all(&x.to_le_bytes()))?,
                Dtype::F16 => v.iter().try_for_each(|x| self.out.write_all(&f16::from_f32(*x).to_le_bytes()))?,
            }
        }
        self.rows += 1;
        Ok(self.rows - 1)
    }

    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        self.out.flush()?;
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(self.dtype, self.rows, self.dims))?;
        file.sync_all()?;
        Ok(self.path)
    }
}

/// Reads rows back, each with one positioned read.
///
/// Not memory-mapped: every page of a mapping that Phase 1 touched stayed
/// resident and counted in its RSS, so reading the whole sidecar once
/// (4.6 KB per span in f32) grew memory with the input (#12). A `pread` per
/// vector costs a copy from the OS page cache and keeps nothing.
pub struct SidecarReader {
    file: File,
    dtype: Dtype,
    dims: usize,
    rows: u64,
}

impl SidecarReader {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        use std::os::unix::fs::FileExt as _;
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mut head = [0u8; HEADER_LEN];
        let n = file.read_at(&mut head, 0)?;
        anyhow::ensure!(n >= 10 && head.starts_with(b"\x93NUMPY"), "{}: not an .npy file", path.display());
        let hlen = u16::from_le_bytes([head[8], head[9]]) as usize;
        let mut header = vec![0u8; 10 + hlen];
        file.read_exact_at(&mut header, 0).with_context(|| format!("{}: npy header", path.display()))?;
        let dict = std::str::from_utf8(&header[10..]).context("npy header")?;
        let dtype = if dict.contains("'<f2'") { Dtype::F16 } else { Dtype::F32 };
        let shape = dict.split("'shape': (").nth(1).and_then(|s| s.split(')').next()).context("npy shape")?;
        let dimsv: Vec<u64> = shape.split(',').filter_map(|s| s.trim().parse().ok()).collect();
        anyhow::ensure!(dimsv.len() == 3 && dimsv[1] == 3, "{}: expected shape (rows, 3, dims)", path.display());
        Ok(SidecarReader { file, dtype, dims: dimsv[2] as usize, rows: dimsv[0] })
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Vector `which` (0 query, 1 response, 2 combined) of `row`.
    pub fn get(&self, row: u64, which: usize) -> Option<Vec<f32>> {
        use std::os::unix::fs::FileExt as _;
        if row >= self.rows || which > 2 {
            return None;
        }
        let width = match self.dtype {
            Dtype::F32 => 4,
            Dtype::F16 => 2,
        };
        let start = HEADER_LEN + ((row as usize * 3 + which) * self.dims) * width;
        let mut bytes = vec![0u8; self.dims * width];
        self.file.read_exact_at(&mut bytes, start as u64).ok()?;
        let v: Vec<f32> = match self.dtype {
            Dtype::F32 => bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            Dtype::F16 => bytes.chunks_exact(2).map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        };
        (v.iter().any(|x| *x != 0.0)).then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_64_aligned_and_roundtrips() {
        assert_eq!(header(Dtype::F32, 123456789, 384).len() % 64, 0);
        let dir = tempfile::tempdir().unwrap();
        for dtype in [Dtype::F32, Dtype::F16] {
            let p = dir.path().join("e.npy");
            let mut w = SidecarWriter::create(&p, dtype, 4).unwrap();
            w.push(&[1.0, 0.0, 0.0, 0.0], None, &[0.5, 0.5, 0.5, 0.5]).unwrap();
            w.push(&[0.0, 1.0, 0.0, 0.0], Some(&[0.0, 0.0, 1.0, 0.0]), &[0.25, 0.5, 0.75, 1.0]).unwrap();
            w.finish().unwrap();
            let r = SidecarReader::open(&p).unwrap();
            assert_eq!(r.rows(), 2);
            assert_eq!(r.get(0, 1), None, "absent response is zeros");
            assert_eq!(r.get(1, 2).unwrap(), vec![0.25, 0.5, 0.75, 1.0]);
        }
    }
}
