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

/// What a column holds: its Arrow type, and the type the card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A JSON object, as text.
    Json,
    Time,
    Number,
    Tags,
    Vector,
    Transformation,
}

impl Kind {
    fn data_type(self, dims: usize) -> DataType {
        match self {
            Kind::Text | Kind::Json => DataType::Utf8,
            Kind::Time => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Kind::Number => DataType::Float64,
            Kind::Tags => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            Kind::Vector => {
                DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Float32, false)), dims as i32)
            }
            Kind::Transformation => DataType::Struct(transformation_fields()),
        }
    }

    /// The type as the dataset card shows it (`?`: may be null).
    pub fn card(self, nullable: bool, dims: usize) -> String {
        let q = if nullable { "?" } else { "" };
        match self {
            Kind::Text => format!("string{q}"),
            Kind::Json => format!("string{q} (JSON)"),
            Kind::Time => format!("timestamp[us, UTC]{q}"),
            Kind::Number => format!("double{q}"),
            Kind::Tags => format!("list<string>{q}"),
            Kind::Vector => format!("fixed_size_list<float, {dims}>{q}"),
            Kind::Transformation => format!("struct{q}"),
        }
    }
}

/// Every column, in file order: (name, kind, nullable, what it holds). The
/// schema, the card's field table and each field's `description` in the
/// file all come from here.
pub const COLUMNS: &[(&str, Kind, bool, &str)] = &[
    ("id", Kind::Text, false, "the span's id"),
    ("who", Kind::Text, false, "who acted"),
    ("did", Kind::Text, false, "the action"),
    ("this", Kind::Text, false, "the request"),
    (
        "when",
        Kind::Time,
        false,
        "when it happened, as an instant to the microsecond (the input's zone is in no column)",
    ),
    ("status", Kind::Text, false, "`completed`, `failed` or `pending`"),
    ("if_ok", Kind::Text, true, "the outcome (the answer)"),
    ("if_not", Kind::Text, true, "what happened when it failed"),
    ("confirmed_by", Kind::Text, true, "who confirmed it"),
    ("context", Kind::Json, true, "the span's `context` object, verbatim"),
    ("metadata", Kind::Json, true, "the span's `metadata` object, verbatim"),
    ("extra", Kind::Json, true, "other top-level keys of the input span, as one object"),
    ("domain", Kind::Text, true, "the domain LogLine read from the span"),
    ("thread_id", Kind::Text, true, "`context.thread_id`"),
    ("input_quality", Kind::Number, true, "the owner's quality label (`metadata.quality_score`)"),
    ("semantic_tags", Kind::Tags, false, "Phase 0's tags"),
    ("complexity_score", Kind::Number, false, "Phase 0's complexity, 0–100"),
    ("query_embedding", Kind::Vector, true, "all-MiniLM-L6-v2 vector of `this` (unit length)"),
    ("response_embedding", Kind::Vector, true, "vector of `if_ok` (null without an answer)"),
    ("combined_embedding", Kind::Vector, true, "the vector the index searches"),
    ("duplicate_group", Kind::Text, true, "the kept span's id, on every member of a duplicate group"),
    ("duplicate_of", Kind::Text, true, "on a duplicate: the kept span it repeats"),
    ("score", Kind::Number, true, "the final quality score, 0–100"),
    (
        "transformation",
        Kind::Transformation,
        true,
        "Phase 1: `enzymes` run, `changed_by` (those that changed the span), `changes`, `score_before`, garbage `caps`, `variant_of`",
    ),
    (
        "reject_reason",
        Kind::Text,
        true,
        "with `--include-rejects`: why the span did not pass (`below_gate`, `garbage`, …)",
    ),
    ("reject_detail", Kind::Text, true, "with `--include-rejects`: the reason in words"),
];

/// The file's schema for embeddings of `dims`, from [`COLUMNS`]; each
/// field carries its `description`.
pub fn schema(dims: usize) -> SchemaRef {
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|&(name, kind, nullable, what)| {
            Field::new(name, kind.data_type(dims), nullable)
                .with_metadata(std::collections::HashMap::from([("description".to_string(), what.to_string())]))
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// The text and JSON columns, in file order (what [`Columns::push`] fills).
fn string_columns() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().filter(|c| matches!(c.1, Kind::Text | Kind::Json)).map(|c| c.0)
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
            strings: string_columns().map(|_| StringBuilder::new()).collect(),
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
        let extra = (!s.extra.is_empty()).then(|| {
            let mut m = serde_json::Map::new();
            for (k, v) in &s.extra {
                m.insert(k.clone(), serde_json::from_str(v.get()).unwrap_or(Value::Null));
            }
            Value::Object(m).to_string()
        });
        let e = &s.enriched;
        // In the order of `string_columns()`.
        let text = [
            Some(s.id.as_str()),
            Some(s.who.as_str()),
            Some(s.did.as_str()),
            Some(s.this.as_str()),
            Some(s.status.as_str()),
            s.if_ok.as_deref(),
            s.if_not.as_deref(),
            s.confirmed_by.as_deref(),
            s.context.as_deref().map(serde_json::value::RawValue::get),
            s.metadata.as_deref().map(serde_json::value::RawValue::get),
            extra.as_deref(),
            s.facts.domain.as_deref(),
            s.facts.thread_id.as_deref(),
            e.duplicate_group.as_deref(),
            e.duplicate_of.as_deref(),
            reject.map(|r| r.reason),
            reject.map(|r| r.detail),
        ];
        debug_assert_eq!(text.len(), self.strings.len());
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
        let mut strings = self.strings.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef);
        let mut vectors = self.vectors.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef);
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(COLUMNS.len());
        for &(name, kind, ..) in COLUMNS {
            let col: ArrayRef = match (kind, name) {
                (Kind::Text | Kind::Json, _) => strings.next().expect("a builder per string column"),
                (Kind::Vector, _) => vectors.next().expect("three vector columns"),
                (Kind::Time, _) => Arc::new(self.when.finish()),
                (Kind::Tags, _) => Arc::new(self.tags.finish()),
                (Kind::Number, "input_quality") => Arc::new(self.input_quality.finish()),
                (Kind::Number, "complexity_score") => Arc::new(self.complexity.finish()),
                (Kind::Number, "score") => Arc::new(self.score.finish()),
                (Kind::Number, other) => anyhow::bail!("no builder for the column `{other}`"),
                (Kind::Transformation, _) => {
                    let t: Vec<ArrayRef> = vec![
                        Arc::new(self.t_enzymes.finish()),
                        Arc::new(self.t_changed.finish()),
                        Arc::new(self.t_changes.finish()),
                        Arc::new(self.t_before.finish()),
                        Arc::new(self.t_caps.finish()),
                        Arc::new(self.t_variant.finish()),
                    ];
                    let valid = std::mem::take(&mut self.t_valid);
                    Arc::new(StructArray::try_new(transformation_fields(), t, Some(valid.into()))?)
                }
            };
            cols.push(col);
        }
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
    fn every_column_is_described_and_the_card_types_read_as_before() {
        let schema = schema(4);
        assert_eq!(schema.fields().len(), COLUMNS.len());
        assert!(schema.fields().iter().all(|f| !f.metadata()["description"].is_empty()));
        assert_eq!(string_columns().count(), 17);
        assert_eq!(Kind::Json.card(true, 4), "string? (JSON)");
        assert_eq!(Kind::Vector.card(true, 384), "fixed_size_list<float, 384>?");
        assert_eq!(Kind::Tags.card(false, 4), "list<string>");
    }
}
