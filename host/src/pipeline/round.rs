//! What Phase 1 and `enzymes run` share: reading the input a round at a
//! time, and running the enzyme chain over a round in parallel.
//!
//! A round is `workers × batch_size` spans. Within a round, batches run in
//! parallel (rayon), each worker with its own enzyme instances taken from a
//! [`StagePool`]; results keep input order, so the same input and manifest
//! give the same output. Memory holds one round, never the whole input.

use super::shard::Shard;
use crate::enzyme::EnzymeFailure;
use crate::enzyme::chain::{self, ChainOutput, Derive, StagePool};
use crate::ingest::LineReader;
use crate::output::sink::RejectRecord;
use crate::span::Span;
use crate::validate::Validator;
use anyhow::{Context as _, bail};
use rayon::prelude::*;
use std::io::BufRead;
use std::path::Path;

/// One round of input.
pub struct Round {
    pub spans: Vec<Span>,
    /// Lines read (valid or not), for progress.
    pub lines_read: u64,
    /// The last input line this round consumed.
    pub last_line: u64,
}

/// Read up to `want` valid spans; invalid lines go to `reject` as they are
/// met. Lines at or before `skip_to` were done before a checkpoint. With a
/// `shard`, only its spans and lines are kept ([`super::shard`]); the others
/// are validated all the same (the validator remembers ids).
pub fn read<R: BufRead>(
    reader: &mut LineReader<R>,
    input: &Path,
    validator: &mut Validator,
    want: usize,
    skip_to: u64,
    shard: Option<Shard>,
    mut reject: impl FnMut(RejectRecord) -> anyhow::Result<()>,
) -> anyhow::Result<Round> {
    let mut round = Round { spans: Vec::with_capacity(want), lines_read: 0, last_line: skip_to };
    while round.spans.len() < want {
        let Some(line) = reader.next() else { break };
        let line = line.with_context(|| format!("reading {}", input.display()))?;
        round.lines_read += 1;
        // Validate even skipped lines: the validator remembers ids.
        let checked = validator.check(&line);
        if line.no <= skip_to {
            continue;
        }
        round.last_line = line.no;
        match checked {
            Ok(s) if shard.is_none_or(|k| k.owns(&s)) => round.spans.push(s),
            Err(r) if shard.is_none_or(|k| k.owns_line(line.no)) => reject(RejectRecord::input(&r, &line))?,
            _ => {}
        }
    }
    Ok(round)
}

/// The chain over a round, in parallel over batches; results keep input
/// order. An `abort` policy failure stops the run.
pub fn run_chain(
    pool: &rayon::ThreadPool,
    stages: &StagePool,
    spans: Vec<Span>,
    batch_size: usize,
    derive: Derive<'_>,
) -> anyhow::Result<Vec<ChainOutput>> {
    let outputs: Vec<Result<ChainOutput, EnzymeFailure>> = pool.install(|| {
        spans
            .into_par_iter()
            .chunks(batch_size.max(1))
            .flat_map_iter(|batch| {
                let mut st = stages.take();
                let out: Vec<_> = batch.into_iter().map(|s| chain::run_with(&mut st, s, derive)).collect();
                stages.give_back(st);
                out
            })
            .collect()
    });
    outputs
        .into_iter()
        .map(|o| match o {
            Ok(o) => Ok(o),
            Err(f) => bail!("aborting (on_enzyme_error = \"abort\"): {f}"),
        })
        .collect()
}
