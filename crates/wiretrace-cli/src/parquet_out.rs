//! `export --format parquet` (cargo feature `parquet`): records written as a Parquet file, one
//! column per field, in row groups of 64k rows so memory stays bounded. Lists are joined with
//! "; " as in CSV. The file is written beside its destination and renamed into place when whole.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use parquet::basic::{ConvertedType, Repetition, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde::Serialize;
use serde_json::Value;

/// How a field is stored.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Text, null allowed (lists are joined with "; ").
    Text,
    /// A whole number.
    Int,
    /// A real number.
    Real,
}

const ROW_GROUP: usize = 65_536;

pub struct ParquetWriter {
    fields: Vec<(&'static str, Kind)>,
    rows: Vec<Vec<Value>>,
    writer: Option<SerializedFileWriter<std::fs::File>>,
    partial: PathBuf,
    path: PathBuf,
}

impl ParquetWriter {
    pub fn create(path: &Path, fields: Vec<(&'static str, Kind)>) -> anyhow::Result<ParquetWriter> {
        let columns = fields
            .iter()
            .map(|&(name, kind)| {
                let t = match kind {
                    Kind::Text => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                        .with_converted_type(ConvertedType::UTF8)
                        .with_repetition(Repetition::OPTIONAL),
                    Kind::Int => Type::primitive_type_builder(name, Physical::INT64)
                        .with_repetition(Repetition::OPTIONAL),
                    Kind::Real => Type::primitive_type_builder(name, Physical::DOUBLE)
                        .with_repetition(Repetition::OPTIONAL),
                };
                t.build().map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let schema = Arc::new(
            Type::group_type_builder("record")
                .with_fields(columns)
                .build()?,
        );
        let partial = path.with_extension("parquet.partial");
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        let writer =
            SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))?;
        Ok(ParquetWriter {
            fields,
            rows: Vec::new(),
            writer: Some(writer),
            partial,
            path: path.to_path_buf(),
        })
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let writer = self.writer.as_mut().expect("open until finish");
        let mut group = writer.next_row_group()?;
        for (i, &(_, kind)) in self.fields.iter().enumerate() {
            let mut column = group.next_column()?.expect("one column per field");
            let cells = self.rows.iter().map(|r| &r[i]);
            let defined: Vec<i16> = cells.clone().map(|v| i16::from(!v.is_null())).collect();
            match (column.untyped(), kind) {
                (ColumnWriter::ByteArrayColumnWriter(w), Kind::Text) => {
                    let values: Vec<ByteArray> = cells
                        .filter(|v| !v.is_null())
                        .map(|v| ByteArray::from(text(v).as_str()))
                        .collect();
                    w.write_batch(&values, Some(&defined), None)?;
                }
                (ColumnWriter::Int64ColumnWriter(w), Kind::Int) => {
                    let values: Vec<i64> = cells.filter_map(Value::as_i64).collect();
                    let defined: Vec<i16> = self
                        .rows
                        .iter()
                        .map(|r| i16::from(r[i].as_i64().is_some()))
                        .collect();
                    w.write_batch(&values, Some(&defined), None)?;
                }
                (ColumnWriter::DoubleColumnWriter(w), Kind::Real) => {
                    let values: Vec<f64> = cells.filter_map(Value::as_f64).collect();
                    let defined: Vec<i16> = self
                        .rows
                        .iter()
                        .map(|r| i16::from(r[i].as_f64().is_some()))
                        .collect();
                    w.write_batch(&values, Some(&defined), None)?;
                }
                _ => anyhow::bail!("column {i} does not match its declared kind"),
            }
            column.close()?;
        }
        group.close()?;
        self.rows.clear();
        Ok(())
    }

    /// Write what is left and the footer, then move the file into place.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.flush()?;
        self.writer.take().expect("open until finish").close()?;
        std::fs::rename(&self.partial, &self.path)
            .with_context(|| format!("moving the export to {}", self.path.display()))?;
        Ok(())
    }
}

impl crate::output::Records for ParquetWriter {
    fn write<T: Serialize>(&mut self, record: &T) -> Result<(), wiretrace::store::StoreError> {
        let out = |e: String| wiretrace::store::StoreError::Output(e);
        let value = serde_json::to_value(record).map_err(|e| out(e.to_string()))?;
        self.rows.push(
            self.fields
                .iter()
                .map(|(name, _)| value.get(*name).cloned().unwrap_or(Value::Null))
                .collect(),
        );
        if self.rows.len() >= ROW_GROUP {
            self.flush().map_err(|e| out(format!("{e:#}")))?;
        }
        Ok(())
    }
}

impl Drop for ParquetWriter {
    fn drop(&mut self) {
        // An export that failed halfway leaves no file that looks whole.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The columns of each exported table.
pub fn fields(table: &str) -> Vec<(&'static str, Kind)> {
    use Kind::*;
    match table {
        "passages" => vec![
            ("a", Text),
            ("b", Text),
            ("a_start", Int),
            ("a_end", Int),
            ("b_start", Int),
            ("b_end", Int),
            ("score", Real),
            ("matched_words", Int),
        ],
        "articles" => vec![
            ("id", Text),
            ("title", Text),
            ("source", Text),
            ("url", Text),
            ("published", Text),
            ("dateline", Text),
            ("credits", Text),
            ("words", Int),
            ("copy_group", Int),
            ("story", Int),
            ("body", Text),
        ],
        _ => vec![
            ("id", Int),
            ("title", Text),
            ("articles", Int),
            ("sources", Text),
            ("first_seen", Text),
            ("last_seen", Text),
            ("agencies", Text),
        ],
    }
}
