//! Train / calibration / test by thread: spans linked by
//! `context.thread_id` or `context.previous_spans` form one thread, and a
//! thread never straddles two splits. Threads are ordered by a seeded hash
//! of their key and cut where the running span count crosses each share.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Which split a span is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Train,
    Calibration,
    Test,
}

/// What the splitter needs of a span.
pub struct Member<'a> {
    pub id: &'a str,
    pub thread_id: Option<&'a str>,
    pub previous: &'a [String],
}

/// The thread key of every member (its thread's smallest key), by union
/// of shared `thread_id`s and `previous_spans` links.
pub fn threads(members: &[Member<'_>]) -> Vec<String> {
    let n = members.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let union = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            p[hi] = lo;
        }
    };
    let by_id: HashMap<&str, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let mut by_thread: HashMap<&str, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        if let Some(t) = m.thread_id {
            match by_thread.get(t) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_thread.insert(t, i);
                }
            }
        }
        for prev in m.previous {
            if let Some(&j) = by_id.get(prev.as_str()) {
                union(&mut parent, i, j);
            }
        }
    }
    // A thread's key: its thread_id when it has one, else its first span's id.
    let mut key_of_root: HashMap<usize, String> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let root = find(&mut parent, i);
        let key = m.thread_id.map_or_else(|| format!("span:{}", m.id), |t| format!("thread:{t}"));
        key_of_root
            .entry(root)
            .and_modify(|k| {
                if key < *k {
                    *k = key.clone()
                }
            })
            .or_insert(key);
    }
    (0..n).map(|i| key_of_root[&find(&mut parent, i)].clone()).collect()
}

/// Assign each thread key to a split; `shares` are train, calibration and
/// test (summing to 1).
pub fn assign(keys: &[String], shares: [f64; 3], seed: u64) -> Vec<Split> {
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for k in keys {
        *sizes.entry(k).or_default() += 1;
    }
    let mut order: Vec<(&str, [u8; 32])> = sizes
        .keys()
        .map(|k| {
            let mut h = Sha256::new();
            h.update(seed.to_le_bytes());
            h.update(k.as_bytes());
            (*k, h.finalize().into())
        })
        .collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let total = keys.len() as f64;
    let (cut1, cut2) = (shares[0] * total, (shares[0] + shares[1]) * total);
    let mut split_of: HashMap<&str, Split> = HashMap::new();
    let mut before = 0usize;
    for (k, _) in order {
        // A thread goes where its middle falls.
        let mid = before as f64 + sizes[k] as f64 / 2.0;
        let s = if mid < cut1 {
            Split::Train
        } else if mid < cut2 {
            Split::Calibration
        } else {
            Split::Test
        };
        split_of.insert(k, s);
        before += sizes[k];
    }
    keys.iter().map(|k| split_of[k.as_str()]).collect()
}

/// Parse `0.7/0.15/0.15`.
pub fn parse_shares(s: &str) -> Result<[f64; 3], String> {
    let parts: Vec<&str> = s.split('/').collect();
    let [a, b, c] = parts.as_slice() else { return Err(format!("expected TRAIN/CAL/TEST, got {s:?}")) };
    let v = |x: &str| x.trim().parse::<f64>().map_err(|e| format!("{x:?}: {e}"));
    let shares = [v(a)?, v(b)?, v(c)?];
    if shares.iter().any(|x| !(0.0..=1.0).contains(x)) || (shares.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
        return Err(format!("shares must be within 0..1 and sum to 1, got {s:?}"));
    }
    if shares[0] == 0.0 || shares[1] == 0.0 {
        return Err(format!("train and calibration shares must be above 0, got {s:?}"));
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_thread_disjoint_deterministic_and_near_their_shares() {
        // 300 threads of 1–5 spans; some linked only by previous_spans.
        let mut ids = Vec::new();
        let mut threads_of = Vec::new();
        let mut prev = Vec::new();
        for t in 0..300 {
            for j in 0..(t % 5 + 1) {
                ids.push(format!("s{t}-{j}"));
                let linked_by_prev = t % 7 == 0;
                threads_of.push(if linked_by_prev { None } else { Some(format!("t{t}")) });
                prev.push(if linked_by_prev && j > 0 { vec![format!("s{t}-{}", j - 1)] } else { vec![] });
            }
        }
        let members: Vec<Member> = (0..ids.len())
            .map(|i| Member { id: &ids[i], thread_id: threads_of[i].as_deref(), previous: &prev[i] })
            .collect();
        let keys = threads(&members);
        let a = assign(&keys, [0.7, 0.15, 0.15], 5);
        assert_eq!(a, assign(&keys, [0.7, 0.15, 0.15], 5));
        assert_ne!(a, assign(&keys, [0.7, 0.15, 0.15], 6));
        let mut split_of_thread: HashMap<usize, Split> = HashMap::new();
        for (i, s) in a.iter().enumerate() {
            let t: usize = ids[i][1..].split('-').next().unwrap().parse().unwrap();
            assert_eq!(*split_of_thread.entry(t).or_insert(*s), *s, "thread {t} straddles two splits");
        }
        let share = |s: Split| a.iter().filter(|&&x| x == s).count() as f64 / a.len() as f64;
        assert!((share(Split::Train) - 0.7).abs() < 0.02);
        assert!((share(Split::Calibration) - 0.15).abs() < 0.02);
    }

    #[test]
    fn shares_must_name_three_parts_that_sum_to_one() {
        assert_eq!(parse_shares("0.7/0.15/0.15"), Ok([0.7, 0.15, 0.15]));
        assert!(parse_shares("0.7/0.3").is_err());
        assert!(parse_shares("0.7/0.2/0.2").is_err());
        assert!(parse_shares("1/0/0").is_err());
    }
}
