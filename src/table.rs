//! Rows of a report as CSV, safe to open in a spreadsheet.
//!
//! Every text cell goes through [`neutralize_formula`](crate::neutralize_formula) unless the
//! caller asks for raw text ([`Formulas::Raw`], for pipelines that never meet a spreadsheet);
//! numbers, booleans and empty cells are written exactly as the `csv` crate writes them, so a
//! negative change such as `-3.5` is never altered.

use serde::Serialize;
use serde::ser::{self, Serializer};

use crate::escape::neutralize_formula;

/// What happens to text cells that a spreadsheet would run as formulas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Formulas {
    /// A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    /// `'` (OWASP's advice against CSV injection). The default.
    #[default]
    Neutralize,
    /// Text is written as it is.
    Raw,
}

/// Why rows could not be written as CSV: a row that is not a flat record. Never caused by
/// input data, only by the row type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write CSV: {message}")]
pub struct CsvError {
    message: String,
}

impl crate::problem::Problem for CsvError {
    fn code(&self) -> &'static str {
        "csv"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// Writes `rows` as CSV with a header row taken from the field names.
///
/// # Errors
/// [`CsvError`] when a row is not a flat record (a programming error, not bad input).
///
/// ```
/// use health_equity_assessment::{Formulas, to_csv};
///
/// #[derive(serde::Serialize)]
/// struct Row { organization: String, change: f64 }
///
/// let rows = [Row { organization: "=HYPERLINK(\"http://x\")".into(), change: -2.5 }];
/// let csv = to_csv(&rows, Formulas::Neutralize)?;
/// assert_eq!(csv, "organization,change\n\"'=HYPERLINK(\"\"http://x\"\")\",-2.5\n");
/// assert!(to_csv(&rows, Formulas::Raw)?.contains("\"=HYPERLINK"));
/// # Ok::<(), health_equity_assessment::CsvError>(())
/// ```
pub fn to_csv<T: Serialize>(rows: &[T], formulas: Formulas) -> Result<String, CsvError> {
    let mut writer = CsvWriter::new(formulas);
    for row in rows {
        writer.row(row)?;
    }
    String::from_utf8(writer.take()?).map_err(|e| CsvError { message: e.to_string() })
}

/// CSV written a piece at a time, for tables too large to hold whole (the tidy table of a
/// million organizations): add rows, and [`take`](Self::take) what was written so far. The
/// bytes taken in turn are the bytes [`to_csv`] gives for all the rows.
///
/// ```
/// use health_equity_assessment::{CsvWriter, Formulas, to_csv};
///
/// #[derive(serde::Serialize)]
/// struct Row { id: u32 }
///
/// let mut writer = CsvWriter::new(Formulas::Neutralize);
/// let mut out = Vec::new();
/// for id in 0..3 {
///     writer.row(&Row { id })?;
///     out.extend(writer.take()?);
/// }
/// assert_eq!(out, to_csv(&[Row { id: 0 }, Row { id: 1 }, Row { id: 2 }], Formulas::Neutralize)?.into_bytes());
/// # Ok::<(), health_equity_assessment::CsvError>(())
/// ```
#[derive(Debug)]
pub struct CsvWriter {
    writer: csv::Writer<Vec<u8>>,
    formulas: Formulas,
    /// Whether a row (and so the header) was written.
    started: bool,
}

impl CsvWriter {
    /// A writer; the header comes from the first row's field names.
    #[must_use]
    pub fn new(formulas: Formulas) -> Self {
        CsvWriter { writer: csv::Writer::from_writer(Vec::new()), formulas, started: false }
    }

    /// Writes one row (and, before the first, the header).
    ///
    /// # Errors
    /// [`CsvError`] when the row is not a flat record.
    pub fn row<T: Serialize>(&mut self, row: &T) -> Result<(), CsvError> {
        self.started = true;
        match self.formulas {
            Formulas::Raw => self.writer.serialize(row),
            Formulas::Neutralize => self.writer.serialize(Neutral(row)),
        }
        .map_err(|e| CsvError { message: e.to_string() })
    }

    /// The bytes written since the last call.
    ///
    /// # Errors
    /// [`CsvError`] if the rows could not be flushed.
    pub fn take(&mut self) -> Result<Vec<u8>, CsvError> {
        // The header is written once: a writer that follows a row writes none.
        let next = csv::WriterBuilder::new().has_headers(!self.started).from_writer(Vec::new());
        let written = std::mem::replace(&mut self.writer, next);
        written.into_inner().map_err(|e| CsvError { message: e.to_string() })
    }
}

/// A value whose strings are neutralized when it is serialized.
struct Neutral<T>(T);

impl<T: Serialize> Serialize for Neutral<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(NeutralSerializer(serializer))
    }
}

/// Forwards everything to the inner serializer, neutralizing strings on the way.
struct NeutralSerializer<S>(S);

/// Forwards a compound serializer, wrapping each element.
struct Compound<C>(C);

impl<S: Serializer> Serializer for NeutralSerializer<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<S::SerializeSeq>;
    type SerializeTuple = Compound<S::SerializeTuple>;
    type SerializeTupleStruct = Compound<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<S::SerializeTupleVariant>;
    type SerializeMap = Compound<S::SerializeMap>;
    type SerializeStruct = Compound<S::SerializeStruct>;
    type SerializeStructVariant = Compound<S::SerializeStructVariant>;

    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.0.serialize_str(&neutralize_formula(v))
    }
    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        self.0.serialize_str(&neutralize_formula(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_bool(self, v: bool) -> Result<S::Ok, S::Error> {
        self.0.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<S::Ok, S::Error> {
        self.0.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<S::Ok, S::Error> {
        self.0.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<S::Ok, S::Error> {
        self.0.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
        self.0.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<S::Ok, S::Error> {
        self.0.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<S::Ok, S::Error> {
        self.0.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<S::Ok, S::Error> {
        self.0.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<S::Ok, S::Error> {
        self.0.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
        self.0.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<S::Ok, S::Error> {
        self.0.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.0.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.0.serialize_f64(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.0.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Neutral(value))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Neutral(value))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_variant(name, index, variant, &Neutral(value))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Compound)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Compound)
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Compound)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0.serialize_tuple_variant(name, index, variant, len).map(Compound)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Compound)
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Compound)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0.serialize_struct_variant(name, index, variant, len).map(Compound)
    }
}

/// The compound serializers pass each element (or field) through [`Neutral`]; only the
/// method's name and whether it takes a key differ between them.
macro_rules! neutral_compound {
    ($($trait:ident :: $method:ident),* $(,)?) => {$(
        impl<C: ser::$trait> ser::$trait for Compound<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                self.0.$method(&Neutral(value))
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.0.end()
            }
        }
    )*};
    ($($trait:ident :: $method:ident (key)),* $(,)?) => {$(
        impl<C: ser::$trait> ser::$trait for Compound<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), C::Error> {
                self.0.$method(key, &Neutral(value))
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.0.end()
            }
        }
    )*};
}

neutral_compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);
neutral_compound!(SerializeStruct::serialize_field(key), SerializeStructVariant::serialize_field(key));

impl<C: ser::SerializeMap> ser::SerializeMap for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.0.serialize_key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.0.serialize_value(&Neutral(value))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row<'a> {
        text: &'a str,
        maybe: Option<&'a str>,
        number: f64,
        count: i64,
        flag: bool,
    }

    #[test]
    fn text_is_neutralized_and_numbers_are_not() {
        let rows = [
            Row { text: "-x", maybe: Some("@y"), number: -1.5, count: -3, flag: true },
            Row { text: "plain", maybe: None, number: 2.0, count: 0, flag: false },
        ];
        let safe = to_csv(&rows, Formulas::Neutralize).unwrap();
        assert_eq!(safe, "text,maybe,number,count,flag\n'-x,'@y,-1.5,-3,true\nplain,,2.0,0,false\n");
        let raw = to_csv(&rows, Formulas::Raw).unwrap();
        assert_eq!(raw, "text,maybe,number,count,flag\n-x,@y,-1.5,-3,true\nplain,,2.0,0,false\n");
    }
}
