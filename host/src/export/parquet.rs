//! `logline export OUT --format parquet`: the curated set as one Parquet
//! file with typed columns, beside a dataset card (`README.md`).
//!
//! Written with arrow-rs's `ArrowWriter` (Snappy), in row groups of
//! [`ROW_GROUP_ROWS`] spans built one batch at a time, so memory holds one
//! batch whatever the input's size. Readable by pyarrow, pandas, polars,
//! DuckDB and `datasets.load_dataset("parquet", …)`.

use crate::embed::sidecar::SidecarReader;
use crate::span::Span;
use anyhow::Context as _;
use arrow_array::builder::{
    FixedSizeListBuilder, Float32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// Spans per row group (and per batch built in memory): ~20 MB of
/// embeddings at 384 dims, a size readers page through comfortably.
pub const ROW_GROUP_ROWS: usize = 4096;

/// The columns of the `transformation` struct: what Phase 1 did to a span.
fn transformation_fields() -> Fields {
    Fields::from(vec![
        Field::new("enzymes", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false),
        Field::new("changed_by", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false),
        Field::new("changes", DataType::Int64, false),
        Field::new("score_before", DataType::Float64, true),
        Field::new("caps", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false),
        Field::new("variant_of", DataType::Utf8, true),
    ])
}

/// Every column: (name, type as the card shows it, what it holds). The
/// card's field table and each field's `description` in the file.
pub const FIELD_DOCS: &[(&str, &str, &str)] = &[
    ("id", "string", "the span's id"),
    ("who", "string", "who acted"),
    ("did", "string", "the action"),
    ("this", "string", "the request"),
    (
        "when",
        "timestamp[us, UTC]",
        "when it happened, as an instant to the microsecond (the input's zone is in no column)",
    ),
    ("status", "string", "`completed`, `failed` or `pending`"),
    ("if_ok", "string?", "the outcome (the answer)"),
    ("if_not", "string?", "what happened when it failed"),
    ("confirmed_by", "string?", "who confirmed it"),
    ("context", "string? (JSON)", "the span's `context` object, verbatim"),
    ("metadata", "string? (JSON)", "the span's `metadata` object, verbatim"),
    ("extra", "string? (JSON)", "other top-level keys of the input span, as one object"),
    ("domain", "string?", "the domain LogLine read from the span"),
    ("thread_id", "string?", "`context.thread_id`"),
    ("input_quality", "double?", "the owner's quality label (`metadata.quality_score`)"),
    ("semantic_tags", "list<string>", "Phase 0's tags"),
    ("complexity_score", "double", "Phase 0's complexity, 0–100"),
    ("query_embedding", "fixed_size_list<float, {dims}>?", "all-MiniLM-L6-v2 vector of `this` (unit length)"),
    ("response_embedding", "fixed_size_list<float, {dims}>?", "vector of `if_ok` (null without an answer)"),
    ("combined_embedding", "fixed_size_list<float, {dims}>?", "the vector the index searches"),
    ("duplicate_group", "string?", "the kept span's id, on every member of a duplicate group"),
    ("duplicate_of", "string?", "on a duplicate: the kept span it repeats"),
    ("score", "double?", "the final quality score, 0–100"),
    (
        "transformation",
        "struct?",
        "Phase 1: `enzymes` run, `changed_by` (those that changed the span), `changes`, `score_before`, garbage `caps`, `variant_of`",
    ),
    ("reject_reason", "string?", "with `--include-rejects`: why the span did not pass (`below_gate`, `garbage`, …)"),
    ("reject_detail", "string?", "with `--include-rejects`: the reason in words"),
];

/// The file's schema for embeddings of `dims`; each field carries its
/// `description` from [`FIELD_DOCS`].
pub fn schema(dims: usize) -> SchemaRef {
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let list = |name: &str| Field::new(name, DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false);
    let vector = |name: &str| {
        Field::new(
            name,
            DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Float32, false)), dims as i32),
            true,
        )
    };
    let fields = vec![
        s("id", false),
        s("who", false),
        s("did", false),
        s("this", false),
        Field::new("when", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), false),
        s("status", false),
        s("if_ok", true),
        s("if_not", true),
        s("confirmed_by", true),
        s("context", true),
        s("metadata", true),
        s("extra", true),
        s("domain", true),
        s("thread_id", true),
        Field::new("input_quality", DataType::Float64, true),
        list("semantic_tags"),
        Field::new("complexity_score", DataType::Float64, false),
        vector("query_embedding"),
        vector("response_embedding"),
        vector("combined_embedding"),
        s("duplicate_group", true),
        s("duplicate_of", true),
        Field::new("score", DataType::Float64, true),
        Field::new("transformation", DataType::Struct(transformation_fields()), true),
        s("reject_reason", true),
        s("reject_detail", true),
    ];
    let described = fields.into_iter().map(|f| {
        let what = FIELD_DOCS.iter().find(|d| d.0 == f.name()).map_or("", |d| d.2);
        f.with_metadata(std::collections::HashMap::from([("description".to_string(), what.to_string())]))
    });
    Arc::new(Schema::new(described.collect::<Vec<_>>()))
}

/// `when` as microseconds since the epoch (validation made sure it parses;
/// finer digits are cut).
fn when_micros(when: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(when).map_or(i64::MIN, |t| t.timestamp_micros())
}

/// A rejected span's reason and detail (`--include-rejects`).
pub struct RejectNote<'a> {
    pub reason: &'a str,
    pub detail: &'a str,
}

/// The columns of one batch, filled span by span.
struct Columns {
    dims: usize,
    strings: Vec<StringBuilder>,
    when: TimestampMicrosecondBuilder,
    input_quality: Float64Builder,
    tags: ListBuilder<StringBuilder>,
    complexity: Float64Builder,
    vectors: [FixedSizeListBuilder<Float32Builder>; 3],
    score: Float64Builder,
    t_enzymes: ListBuilder<StringBuilder>,
    t_changed: ListBuilder<StringBuilder>,
    t_changes: Int64Builder,
    t_before: Float64Builder,
    t_caps: ListBuilder<StringBuilder>,
    t_variant: StringBuilder,
    t_valid: Vec<bool>,
    rows: usize,
}

/// Indexes into `Columns::strings`, in schema order.
const STRINGS_BEFORE_WHEN: usize = 4; // id, who, did, this
const STRINGS_AFTER_WHEN: usize = 9; // status … thread_id
const DUP_GROUP: usize = STRINGS_BEFORE_WHEN + STRINGS_AFTER_WHEN;
const N_STRINGS: usize = DUP_GROUP + 4; // duplicate_group, duplicate_of, reject_reason, reject_detail

impl Columns {
    fn new(dims: usize) -> Self {
        let vector = || {
            FixedSizeListBuilder::new(Float32Builder::new(), dims as i32).with_field(Arc::new(Field::new(
                "item",
                DataType::Float32,
                false,
            )))
        };
        Columns {
            dims,
            strings: (0..N_STRINGS).map(|_| StringBuilder::new()).collect(),
            when: TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            input_quality: Float64Builder::new(),
            tags: ListBuilder::new(StringBuilder::new()),
            complexity: Float64Builder::new(),
            vectors: [vector(), vector(), vector()],
            score: Float64Builder::new(),
            t_enzymes: ListBuilder::new(StringBuilder::new()),
            t_changed: ListBuilder::new(StringBuilder::new()),
            t_changes: Int64Builder::new(),
            t_before: Float64Builder::new(),
            t_caps: ListBuilder::new(StringBuilder::new()),
            t_variant: StringBuilder::new(),
            t_valid: Vec::new(),
            rows: 0,
        }
    }

    fn push(&mut self, s: &Span, vectors: [Option<Vec<f32>>; 3], reject: Option<&RejectNote>) -> anyhow::Result<()> {
        let raw = |r: &Option<Box<serde_json::value::RawValue>>| r.as_ref().map(|r| r.get().to_string());
        let extra = (!s.extra.is_empty()).then(|| {
            let mut m = serde_json::Map::new();
            for (k, v) in &s.extra {
                m.insert(k.clone(), serde_json::from_str(v.get()).unwrap_or(Value::Null));
            }
            Value::Object(m).to_string()
        });
        let e = &s.enriched;
        let text: [Option<String>; N_STRINGS] = [
            Some(s.id.clone()),
            Some(s.who.clone()),
            Some(s.did.clone()),
            Some(s.this.clone()),
            Some(s.status.as_str().to_string()),
            s.if_ok.clone(),
            s.if_not.clone(),
            s.confirmed_by.clone(),
            raw(&s.context),
            raw(&s.metadata),
            extra,
            s.facts.domain.clone(),
            s.facts.thread_id.clone(),
            e.duplicate_group.clone(),
            e.duplicate_of.clone(),
            reject.map(|r| r.reason.to_string()),
            reject.map(|r| r.detail.to_string()),
        ];
        for (b, v) in self.strings.iter_mut().zip(text) {
            b.append_option(v);
        }
        self.when.append_value(when_micros(&s.when));
        self.input_quality.append_option(s.facts.input_quality);
        for t in &e.semantic_tags {
            self.tags.values().append_value(t);
        }
        self.tags.append(true);
        self.complexity.append_value(e.complexity_score);
        for (b, v) in self.vectors.iter_mut().zip(vectors) {
            match v {
                Some(v) => {
                    anyhow::ensure!(
                        v.len() == self.dims,
                        "span `{}`: a {}-dim embedding in a {}-dim export",
                        s.id,
                        v.len(),
                        self.dims
                    );
                    b.values().append_slice(&v);
                    b.append(true);
                }
                None => {
                    b.values().append_slice(&vec![0.0; self.dims]);
                    b.append(false);
                }
            }
        }
        // The newest transformation-log entry (Phase 1 writes it first).
        let log: Option<Value> = s.transformation_log.as_ref().and_then(|r| serde_json::from_str(r.get()).ok());
        let entry = log.as_ref().and_then(|l| l.as_array()).and_then(|a| a.first());
        self.score.append_option(entry.and_then(|x| x["quality_score"].as_f64()));
        match entry {
            Some(x) => {
                let apps = x["enzyme_applications"].as_array().map(Vec::as_slice).unwrap_or(&[]);
                let mut changes = 0i64;
                for a in apps {
                    let name = a["enzyme"].as_str().unwrap_or("");
                    self.t_enzymes.values().append_value(name);
                    if a["input_hash"] != a["output_hash"] {
                        self.t_changed.values().append_value(name);
                    }
                    changes += a["changes"].as_array().map_or(0, |c| c.len() as i64);
                }
                for c in x["quality_dimensions"]["caps"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                    self.t_caps.values().append_value(c["reason"].as_str().unwrap_or(""));
                }
                self.t_changes.append_value(changes);
                self.t_before.append_option(apps.first().and_then(|a| a["quality_before"].as_f64()));
                self.t_variant.append_option(x["variant_of"].as_str());
                self.t_valid.push(true);
            }
            None => {
                self.t_changes.append_value(0);
                self.t_before.append_null();
                self.t_variant.append_null();
                self.t_valid.push(false);
            }
        }
        self.t_enzymes.append(true);
        self.t_changed.append(true);
        self.t_caps.append(true);
        self.rows += 1;
        Ok(())
    }

    fn finish(&mut self, schema: &SchemaRef) -> anyhow::Result<RecordBatch> {
        let mut s: Vec<ArrayRef> = self.strings.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
        let tail = s.split_off(DUP_GROUP);
        let mut cols: Vec<ArrayRef> = s.drain(..STRINGS_BEFORE_WHEN).collect();
        cols.push(Arc::new(self.when.finish()));
        cols.extend(s);
        cols.push(Arc::new(self.input_quality.finish()));
        cols.push(Arc::new(self.tags.finish()));
        cols.push(Arc::new(self.complexity.finish()));
        for v in &mut self.vectors {
            cols.push(Arc::new(v.finish()));
        }
        cols.push(tail[0].clone());
        cols.push(tail[1].clone());
        cols.push(Arc::new(self.score.finish()));
        let t: Vec<ArrayRef> = vec![
            Arc::new(self.t_enzymes.finish()),
            Arc::new(self.t_changed.finish()),
            Arc::new(self.t_changes.finish()),
            Arc::new(self.t_before.finish()),
            Arc::new(self.t_caps.finish()),
            Arc::new(self.t_variant.finish()),
        ];
        let valid = std::mem::take(&mut self.t_valid);
        cols.push(Arc::new(StructArray::try_new(transformation_fields(), t, Some(valid.into()))?));
        cols.push(tail[2].clone());
        cols.push(tail[3].clone());
        self.rows = 0;
        Ok(RecordBatch::try_new(schema.clone(), cols)?)
    }
}

/// Writes spans to a Parquet file, a row group at a time.
pub struct ParquetSink {
    schema: SchemaRef,
    columns: Columns,
    writer: ArrowWriter<std::io::BufWriter<std::fs::File>>,
    sidecar: Option<SidecarReader>,
    pub rows: u64,
    pub with_embeddings: u64,
}

impl ParquetSink {
    /// A new file at `path` for embeddings of `dims`; `sidecar` answers
    /// for spans that carry a sidecar row instead of inline vectors.
    pub fn create(path: &Path, dims: usize, sidecar: Option<SidecarReader>) -> anyhow::Result<Self> {
        let schema = schema(dims);
        let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("logline {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(std::io::BufWriter::new(file), schema.clone(), Some(props))?;
        Ok(ParquetSink { schema, columns: Columns::new(dims), writer, sidecar, rows: 0, with_embeddings: 0 })
    }

    pub fn push(&mut self, s: &Span, reject: Option<&RejectNote>) -> anyhow::Result<()> {
        let e = &s.enriched;
        let mut vectors = [e.query_embedding.clone(), e.response_embedding.clone(), e.combined_embedding.clone()]
            .map(|v| v.map(|v| v.to_vec()));
        if vectors.iter().all(Option::is_none)
            && let (Some(row), Some(side)) = (e.embedding_row, &self.sidecar)
        {
            vectors = [0, 1, 2].map(|w| side.get(row, w));
            // A span without a response has a zero row there.
            if vectors[1].as_ref().is_some_and(|v| v.iter().all(|x| *x == 0.0)) {
                vectors[1] = None;
            }
        }
        if vectors[2].is_some() {
            self.with_embeddings += 1;
        }
        self.columns.push(s, vectors, reject)?;
        self.rows += 1;
        if self.columns.rows == ROW_GROUP_ROWS {
            let batch = self.columns.finish(&self.schema)?;
            self.writer.write(&batch)?;
        }
        Ok(())
    }

    /// Write the last batch and the footer; the number of row groups.
    pub fn finish(mut self) -> anyhow::Result<usize> {
        if self.columns.rows > 0 {
            let batch = self.columns.finish(&self.schema)?;
            self.writer.write(&batch)?;
        }
        let meta = self.writer.close()?;
        Ok(meta.num_row_groups())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_described_in_schema_order() {
        let schema = schema(4);
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let documented: Vec<&str> = FIELD_DOCS.iter().map(|d| d.0).collect();
        assert_eq!(names, documented);
        assert!(schema.fields().iter().all(|f| !f.metadata()["description"].is_empty()));
    }
}
