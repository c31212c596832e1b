//! Input files to numbered lines, streaming: memory holds one line at a time,
//! capped at `max_line` bytes.
//!
//! Handles what real files carry: a UTF-8 byte-order mark, CRLF line endings,
//! blank lines (skipped, not counted as spans, but line numbers keep
//! counting), gzip-compressed input (detected by its magic bytes), and lines
//! longer than the cap (read through to the newline without holding them;
//! reported with their length and offset).

use anyhow::Context as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Default cap on one input line.
pub const DEFAULT_MAX_LINE: usize = 16 * 1024 * 1024;

/// Bytes of an over-long line kept for the rejects file.
pub const LONG_LINE_PREFIX: usize = 4096;

/// One non-blank input line.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the (decompressed) input.
    pub no: u64,
    /// The line without its line ending (only a prefix when truncated).
    pub bytes: Vec<u8>,
    /// Set when the line was longer than the cap: its full length in bytes.
    pub truncated_from: Option<u64>,
}

/// Iterates over the non-blank lines of a reader.
pub struct LineReader<R> {
    inner: R,
    no: u64,
    max_line: usize,
    first: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max_line: usize) -> Self {
        LineReader { inner, no: 0, max_line, first: true }
    }

    /// Line number of the last line read.
    pub fn line_no(&self) -> u64 {
        self.no
    }

    /// Read the next physical line into `buf`; None at end of input.
    fn next_physical(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Option<u64>>> {
        buf.clear();
        let mut total: u64 = 0;
        let mut saw_any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            saw_any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            let room = self.max_line.saturating_sub(buf.len());
            buf.extend_from_slice(&chunk[..take.min(room)]);
            total += take as u64;
            self.inner.consume(if done { take + 1 } else { take });
            if done {
                break;
            }
        }
        if !saw_any {
            return Ok(None);
        }
        self.no += 1;
        if buf.last() == Some(&b'\r') && total <= self.max_line as u64 {
            buf.pop();
            total -= 1;
        }
        if self.first {
            self.first = false;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
        }
        if total > self.max_line as u64 {
            buf.truncate(LONG_LINE_PREFIX);
            return Ok(Some(Some(total)));
        }
        Ok(Some(None))
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<io::Result<Line>> {
        let mut buf = Vec::new();
        loop {
            match self.next_physical(&mut buf) {
                Err(e) => return Some(Err(e)),
                Ok(None) => return None,
                Ok(Some(truncated_from)) => {
                    if truncated_from.is_none() && buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Ok(Line { no: self.no, bytes: std::mem::take(&mut buf), truncated_from }));
                }
            }
        }
    }
}

/// Open an NDJSON file (plain or gzip-compressed) for streaming.
pub fn open(path: &Path, max_line: usize) -> anyhow::Result<LineReader<Box<dyn BufRead + Send>>> {
    let file = File::open(path).with_context(|| format!("cannot open input {}", path.display()))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        anyhow::bail!("input {} is a directory, expected an NDJSON file", path.display());
    }
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let gz =
        reader.fill_buf().with_context(|| format!("cannot read input {}", path.display()))?.starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::with_capacity(1 << 20, flate2::bufread::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    };
    Ok(LineReader::new(inner, max_line))
}

/// Count the non-blank lines of a file cheaply (for progress totals).
pub fn count_lines(path: &Path) -> anyhow::Result<u64> {
    let mut file = File::open(path).with_context(|| format!("cannot open input {}", path.display()))?;
    let mut head = [0u8; 2];
    let n = file.read(&mut head)?;
    if n == 2 && head == [0x1f, 0x8b] {
        return Ok(0); // unknown for compressed input; progress shows a spinner
    }
    drop(file);
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    let (mut count, mut blank) = (0u64, true);
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        for &b in chunk {
            if b == b'\n' {
                if !blank {
                    count += 1;
                }
                blank = true;
            } else if !b.is_ascii_whitespace() {
                blank = false;
            }
        }
        let len = chunk.len();
        reader.consume(len);
    }
    if !blank {
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(u64, Vec<u8>, Option<u64>)> {
        LineReader::new(input, max).map(|l| l.unwrap()).map(|l| (l.no, l.bytes, l.truncated_from)).collect()
    }

    #[test]
    fn bom_crlf_and_blank_lines() {
        let got = lines(b"\xEF\xBB\xBFa\r\n\r\n  \nb\nc", 100);
        assert_eq!(got, vec![(1, b"a".to_vec(), None), (4, b"b".to_vec(), None), (5, b"c".to_vec(), None)]);
    }

    #[test]
    fn long_lines_are_cut_not_held() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nok\n");
        let got = lines(&input, 100);
        assert_eq!(got[0].0, 1);
        assert_eq!(got[0].1.len(), 100);
        assert_eq!(got[0].2, Some(10_000));
        assert_eq!(got[1], (2, b"ok".to_vec(), None));
    }

    #[test]
    fn empty_and_blank_files() {
        assert!(lines(b"", 10).is_empty());
        assert!(lines(b"\n\n \r\n", 10).is_empty());
    }

    #[test]
    fn gzip_is_read_transparently() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.ndjson.gz");
        let mut enc = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::fast());
        enc.write_all(b"{\"a\":1}\n\n{\"b\":2}\n").unwrap();
        enc.finish().unwrap();
        let got: Vec<_> = open(&path, 100).unwrap().map(|l| l.unwrap().no).collect();
        assert_eq!(got, vec![1, 3]);
    }
}
