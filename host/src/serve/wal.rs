//! The feedback write-ahead log: one JSON record per line, appended and
//! fsynced before the server acknowledges the feedback.
//!
//! A record is whole when its line ends in `\n` and parses. A crash can
//! leave only the last line torn (appends are serialised, and each is
//! fsynced before the next); that line was never acknowledged, and
//! [`Wal::open`] cuts it off. A damaged line anywhere else is an error
//! naming the file and the line: the log is not guessed at.
//!
//! `logline train --add LOG MODEL` folds a log's indexed spans into the
//! model ([`spans_file`]); a server started again on that model skips the
//! records whose spans it already holds, so nothing is applied twice.

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fs::{File, OpenOptions};
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// The log's file name in a model folder (the default place).
pub const FILE: &str = "feedback.wal.ndjson";

/// One acknowledged feedback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// 1, 2, … in the order acknowledged.
    pub seq: u64,
    /// When it was received (RFC 3339, UTC).
    pub received: String,
    /// 1 (bad) to 5 (excellent).
    pub rating: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// What was rated: `span` (sent whole), `completion` (an answer this
    /// server gave) or `trajectory` (one the index holds).
    pub source: String,
    /// The completion or trajectory id rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Whether `spans` went into the live index (rating ≥ 4).
    pub indexed: bool,
    /// The spans as they left the enzyme chain, as enriched lines (with
    /// their embeddings when indexed).
    #[serde(default)]
    pub spans: Vec<Box<RawValue>>,
}

/// The open log.
pub struct Wal {
    path: PathBuf,
    file: File,
    bytes: u64,
    next_seq: u64,
    /// A failed append could not be cut back: no more appends.
    broken: bool,
}

impl Wal {
    /// Open (or create) the log at `path` and read back its records. A torn
    /// last line is cut off; the count of bytes cut is returned too.
    pub fn open(path: &Path) -> anyhow::Result<(Wal, Vec<Record>, u64)> {
        let created = !path.exists();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("opening the feedback log {}", path.display()))?;
        if created {
            // The new name must survive a crash too.
            file.sync_all()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                File::open(dir).and_then(|d| d.sync_all()).ok();
            }
        }
        let (records, good, torn) = read_records(path)?;
        if torn > 0 {
            file.set_len(good)?;
            file.sync_all()?;
        }
        file.seek(SeekFrom::End(0))?;
        let next_seq = records.iter().map(|r| r.seq).max().unwrap_or(0) + 1;
        Ok((Wal { path: path.to_path_buf(), file, bytes: good, next_seq, broken: false }, records, torn))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes in the log.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Append `rec` (its `seq` is set here) and fsync. On an error the log
    /// is cut back to where it was, so a failed append leaves no half line.
    pub fn append(&mut self, rec: &mut Record) -> anyhow::Result<u64> {
        anyhow::ensure!(
            !self.broken,
            "{}: an earlier append failed and could not be cut back; restart the server (the start cuts it)",
            self.path.display()
        );
        rec.seq = self.next_seq;
        let mut line = serde_json::to_vec(rec)?;
        line.push(b'\n');
        let written = self.file.write_all(&line).and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // The line was not acknowledged; cut it so the next record is whole.
            self.broken = self.file.set_len(self.bytes).and_then(|()| self.file.sync_data()).is_err();
            return Err(anyhow::Error::from(e).context(format!("appending to {}", self.path.display())));
        }
        self.bytes += line.len() as u64;
        self.next_seq += 1;
        Ok(rec.seq)
    }
}

/// Whether `path` is a feedback log (its first record parses as one).
pub fn is_log(path: &Path) -> bool {
    let Ok(file) = File::open(path) else { return false };
    let mut first = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut first);
    serde_json::from_str::<Record>(first.trim()).is_ok()
}

/// Write the indexed spans of a feedback log to `out` as enriched-span
/// lines (for `logline train --add`); their count.
pub fn spans_file(log: &Path, out: &Path) -> anyhow::Result<u64> {
    let (records, _, _) = read_records(log)?;
    let mut n = 0;
    crate::output::write_file_with(out, |w| {
        for s in records.iter().filter(|r| r.indexed).flat_map(|r| &r.spans) {
            w.write_all(s.get().as_bytes())?;
            w.write_all(b"\n")?;
            n += 1;
        }
        Ok(())
    })?;
    Ok(n)
}

/// The whole records of a log, the bytes they take, and the bytes of a
/// torn last line after them (a line without its `\n`). A damaged whole
/// line is an error naming it.
fn read_records(path: &Path) -> anyhow::Result<(Vec<Record>, u64, u64)> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut records = Vec::new();
    let mut good = 0usize;
    for (no, line) in data.split_inclusive(|&b| b == b'\n').enumerate() {
        if line.last() != Some(&b'\n') {
            break; // the torn tail
        }
        let text = &line[..line.len() - 1];
        if !text.iter().all(u8::is_ascii_whitespace) {
            let rec: Record = serde_json::from_slice(text).with_context(|| {
                format!("{}:{}: not a feedback record (the log is damaged)", path.display(), no + 1)
            })?;
            records.push(rec);
        }
        good += line.len();
    }
    Ok((records, good as u64, (data.len() - good) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rating: u8) -> Record {
        Record {
            seq: 0,
            received: "2026-12-04T00:00:00Z".into(),
            rating,
            comment: None,
            source: "trajectory".into(),
            reference: Some("t1".into()),
            indexed: false,
            spans: Vec::new(),
        }
    }

    #[test]
    fn a_torn_last_line_is_cut_off_and_the_acknowledged_records_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let (mut wal, old, torn) = Wal::open(&path).unwrap();
        assert!(old.is_empty() && torn == 0);
        assert_eq!(wal.append(&mut record(5)).unwrap(), 1);
        assert_eq!(wal.append(&mut record(2)).unwrap(), 2);
        let whole = wal.bytes();
        drop(wal);
        // A crash in the middle of a third append.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"seq":3,"received":"2026-12"#).unwrap();
        drop(f);
        let (mut wal, recs, torn) = Wal::open(&path).unwrap();
        assert_eq!(recs.iter().map(|r| (r.seq, r.rating)).collect::<Vec<_>>(), [(1, 5), (2, 2)]);
        assert_eq!(torn, br#"{"seq":3,"received":"2026-12"#.len() as u64);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), whole);
        assert_eq!(wal.append(&mut record(4)).unwrap(), 3, "numbering goes on after the cut");
        assert_eq!(Wal::open(&path).unwrap().1.len(), 3);
    }

    #[test]
    fn a_damaged_line_before_the_end_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let (mut wal, _, _) = Wal::open(&path).unwrap();
        wal.append(&mut record(5)).unwrap();
        drop(wal);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{not json}\n").unwrap();
        drop(f);
        let err = Wal::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains(&format!("{}:2", path.display())), "{err:#}");
        assert!(is_log(&path) && !is_log(&dir.path().join("missing")));
    }
}
