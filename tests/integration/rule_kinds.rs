//! Every scoring rule kind is exercised everywhere a rule kind matters: it is used by a fixture
//! instrument, it survives the REDCap round trip (records, and the calculated field REDCap
//! computes, evaluated here and compared with the crate's percent), and it is in the instrument
//! schema. A new rule kind fails these tests until it has all three.

use std::collections::BTreeSet;

use health_equity_assessment::{CategoryRule, Instrument, OverallRule, Registry, SchemaKind};
use serde_json::Value;

use crate::common;

/// The instruments the tests use: the built-in ones and the fixtures in `tests/data/`.
fn fixture_instruments() -> Vec<Instrument> {
    let mut instruments: Vec<Instrument> = Registry::builtin().iter().cloned().collect();
    for path in common::json_files("tests/data") {
        let text = common::read(&format!("tests/data/{path}"));
        let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
        if value.get("scoring").is_some() {
            instruments.push(Instrument::from_json(&text).unwrap_or_else(|e| panic!("tests/data/{path}: {e}")));
        }
    }
    instruments
}

fn all(kinds: &[&'static str]) -> BTreeSet<&'static str> {
    kinds.iter().copied().collect()
}

#[test]
fn every_rule_kind_is_used_by_a_fixture_instrument() {
    let instruments = fixture_instruments();
    let category: BTreeSet<&str> = instruments.iter().map(|i| i.scoring().category.rule.kind()).collect();
    let overall: BTreeSet<&str> = instruments.iter().map(|i| i.scoring().overall.rule.kind()).collect();
    assert_eq!(category, all(&CategoryRule::KINDS), "add a fixture instrument for the missing category rule");
    assert_eq!(overall, all(&OverallRule::KINDS), "add a fixture instrument for the missing overall rule");
}

/// Every `kind` constant a rule object may have in the schema.
fn kind_constants(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(kind) = map.get("properties").and_then(|p| p.get("kind")) {
                let listed = kind.get("enum").and_then(Value::as_array).into_iter().flatten();
                for value in kind.get("const").into_iter().chain(listed) {
                    if let Some(text) = value.as_str() {
                        out.insert(text.to_owned());
                    }
                }
            }
            map.values().for_each(|v| kind_constants(v, out));
        }
        Value::Array(values) => values.iter().for_each(|v| kind_constants(v, out)),
        _ => {}
    }
}

#[test]
fn every_rule_kind_is_in_the_instrument_schema() {
    let mut found = BTreeSet::new();
    kind_constants(&SchemaKind::Instrument.schema(), &mut found);
    for kind in CategoryRule::KINDS.iter().chain(&OverallRule::KINDS) {
        assert!(found.contains(*kind), "the instrument schema does not allow the rule kind {kind:?}");
    }
}

#[cfg(feature = "redcap")]
mod redcap_round_trip {
    use std::collections::{BTreeSet, HashMap};

    use health_equity_assessment::redcap::{RedcapOptions, export_instrument, export_responses, import_responses};
    use health_equity_assessment::{CategoryRule, Instrument, Response};

    use super::{all, fixture_instruments};

    /// Deterministic pseudo-random numbers (SplitMix64), so a failure is reproducible.
    struct Numbers(u64);

    impl Numbers {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n as u64) as usize
        }
    }

    /// Responses with every answer pattern the rules care about: unanswered, excluded, every
    /// option, and many all-top answers (so `all_of` and `cumulative` categories are met).
    fn responses(instrument: &Instrument, count: usize, numbers: &mut Numbers) -> Vec<Response> {
        (0..count)
            .map(|n| {
                let mut answers = std::collections::BTreeMap::new();
                let mostly_top = n % 3 == 0;
                for (_, item) in instrument.items() {
                    let scale = instrument.scale_of(item).expect("items have scales");
                    let top = scale.options.iter().filter(|o| !o.excluded).filter_map(|o| o.points).max();
                    let choice = numbers.below(scale.options.len() + 2);
                    let option = if mostly_top && choice > 1 {
                        scale.options.iter().find(|o| !o.excluded && o.points == top)
                    } else {
                        scale.options.get(choice)
                    };
                    if let Some(option) = option {
                        answers.insert(item.id.clone(), option.id.clone());
                    }
                }
                let text = serde_json::json!({
                    "instrument": {"id": instrument.id(), "version": instrument.version().to_string()},
                    "organization": {"id": format!("org-{n}")},
                    "assessed_on": "2024-03-01",
                    "answers": answers,
                });
                Response::from_json(&text.to_string()).expect("a well-formed response")
            })
            .collect()
    }

    fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().expect("a header").iter().map(str::to_owned).collect();
        let rows = reader.records().map(|r| r.expect("a record").iter().map(str::to_owned).collect()).collect();
        (header, rows)
    }

    #[test]
    fn every_category_rule_kind_goes_through_records_and_calculated_fields() {
        let mut numbers = Numbers(20_240_301);
        let mut covered = BTreeSet::new();
        for instrument in fixture_instruments() {
            let options = RedcapOptions::default();
            let responses = responses(&instrument, 120, &mut numbers);
            let records = export_responses(&instrument, &responses, &options);
            let imported = import_responses(&records, &instrument, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", instrument.reference()));
            assert_eq!(imported.len(), responses.len());

            let (dictionary_header, fields) = csv_rows(&export_instrument(&instrument, &options));
            assert_eq!(dictionary_header[0], "Variable / Field Name");
            let calcs: Vec<&Vec<String>> = fields.iter().filter(|f| f[3] == "calc").collect();
            assert_eq!(calcs.len(), instrument.categories().len());
            let (header, rows) = csv_rows(&records);

            for ((original, back), row) in responses.iter().zip(&imported).zip(&rows) {
                let expected = original.validate(&instrument).expect("valid").score();
                assert_eq!(back.validate(&instrument).expect("valid").score(), expected);
                let record: HashMap<&str, &str> =
                    header.iter().map(String::as_str).zip(row.iter().map(String::as_str)).collect();
                for (category, calc) in expected.categories.iter().zip(&calcs) {
                    let computed = calc::evaluate(&calc[5], &record)
                        .unwrap_or_else(|e| panic!("{}: {}: {e}", instrument.reference(), calc[0]));
                    // A category with no applicable item has no percent; REDCap's field then
                    // holds whatever its formula gives, which nobody reads.
                    if let Some(percent) = category.percent {
                        assert!(
                            (computed - percent).abs() < 1e-9,
                            "{} {}: REDCap computes {computed}, the crate {percent} ({})",
                            instrument.reference(),
                            category.id,
                            calc[5]
                        );
                    }
                }
            }
            covered.insert(instrument.scoring().category.rule.kind());
        }
        assert_eq!(covered, all(&CategoryRule::KINDS));
    }

    /// An evaluator of the REDCap calculation syntax the dictionary uses: numbers, `'text'`,
    /// `[field]`, `+ - * /`, `=`, `<>`, `and`, `or`, parentheses, `if(c, a, b)` and
    /// `round(x, digits)` (half away from zero, as REDCap's JavaScript `round` for these values).
    mod calc {
        use std::collections::HashMap;

        #[derive(Debug, Clone, PartialEq)]
        enum Value {
            Number(f64),
            Text(String),
            Bool(bool),
        }

        impl Value {
            fn number(&self) -> Result<f64, String> {
                match self {
                    Value::Number(n) => Ok(*n),
                    Value::Text(t) => t.parse().map_err(|_| format!("{t:?} is not a number")),
                    Value::Bool(b) => Ok(f64::from(u8::from(*b))),
                }
            }

            fn truth(&self) -> Result<bool, String> {
                match self {
                    Value::Bool(b) => Ok(*b),
                    other => Ok(other.number()? != 0.0),
                }
            }
        }

        struct Parser<'a> {
            text: &'a [u8],
            at: usize,
            record: &'a HashMap<&'a str, &'a str>,
        }

        pub fn evaluate(text: &str, record: &HashMap<&str, &str>) -> Result<f64, String> {
            let mut p = Parser { text: text.as_bytes(), at: 0, record };
            let value = p.or()?;
            p.space();
            if p.at != p.text.len() {
                return Err(format!("unexpected text at {}: {text}", p.at));
            }
            value.number()
        }

        impl Parser<'_> {
            fn space(&mut self) {
                while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
                    self.at += 1;
                }
            }

            fn eat(&mut self, token: &str) -> bool {
                self.space();
                if self.text[self.at..].starts_with(token.as_bytes()) {
                    self.at += token.len();
                    true
                } else {
                    false
                }
            }

            fn or(&mut self) -> Result<Value, String> {
                let mut left = self.and()?;
                while self.eat("or ") {
                    let right = self.and()?;
                    left = Value::Bool(left.truth()? || right.truth()?);
                }
                Ok(left)
            }

            fn and(&mut self) -> Result<Value, String> {
                let mut left = self.comparison()?;
                while self.eat("and ") {
                    let right = self.comparison()?;
                    left = Value::Bool(left.truth()? && right.truth()?);
                }
                Ok(left)
            }

            fn comparison(&mut self) -> Result<Value, String> {
                let left = self.sum()?;
                let equal = if self.eat("<>") {
                    false
                } else if self.eat("=") {
                    true
                } else {
                    return Ok(left);
                };
                let right = self.sum()?;
                let same = match (&left, &right) {
                    (Value::Text(a), Value::Text(b)) => a == b,
                    (a, b) => a.number()? == b.number()?,
                };
                Ok(Value::Bool(same == equal))
            }

            fn sum(&mut self) -> Result<Value, String> {
                let mut left = self.product()?;
                loop {
                    if self.eat("+") {
                        left = Value::Number(left.number()? + self.product()?.number()?);
                    } else if self.eat("-") {
                        left = Value::Number(left.number()? - self.product()?.number()?);
                    } else {
                        return Ok(left);
                    }
                }
            }

            fn product(&mut self) -> Result<Value, String> {
                let mut left = self.primary()?;
                loop {
                    if self.eat("*") {
                        left = Value::Number(left.number()? * self.primary()?.number()?);
                    } else if self.eat("/") {
                        left = Value::Number(left.number()? / self.primary()?.number()?);
                    } else {
                        return Ok(left);
                    }
                }
            }

            fn primary(&mut self) -> Result<Value, String> {
                self.space();
                if self.eat("(") {
                    let value = self.or()?;
                    return if self.eat(")") { Ok(value) } else { Err("missing )".to_owned()) };
                }
                if self.eat("if(") {
                    let condition = self.or()?.truth()?;
                    self.expect(",")?;
                    let then = self.or()?;
                    self.expect(",")?;
                    let otherwise = self.or()?;
                    self.expect(")")?;
                    return Ok(if condition { then } else { otherwise });
                }
                if self.eat("round(") {
                    let value = self.or()?.number()?;
                    self.expect(",")?;
                    let digits = self.or()?.number()?;
                    self.expect(")")?;
                    let scale = 10f64.powi(digits as i32);
                    return Ok(Value::Number((value * scale).round() / scale));
                }
                if self.eat("[") {
                    let end = self.find(b']')?;
                    let name = std::str::from_utf8(&self.text[self.at..end]).map_err(|e| e.to_string())?;
                    self.at = end + 1;
                    let value = self.record.get(name).ok_or_else(|| format!("no field [{name}] in the record"))?;
                    return Ok(Value::Text((*value).to_owned()));
                }
                if self.eat("'") {
                    let end = self.find(b'\'')?;
                    let text = std::str::from_utf8(&self.text[self.at..end]).map_err(|e| e.to_string())?;
                    self.at = end + 1;
                    return Ok(Value::Text(text.to_owned()));
                }
                let start = self.at;
                while self.text.get(self.at).is_some_and(|b| b.is_ascii_digit() || *b == b'.') {
                    self.at += 1;
                }
                let number = std::str::from_utf8(&self.text[start..self.at]).map_err(|e| e.to_string())?;
                number.parse().map(Value::Number).map_err(|_| format!("unexpected text at {start}"))
            }

            fn expect(&mut self, token: &str) -> Result<(), String> {
                if self.eat(token) { Ok(()) } else { Err(format!("expected {token:?} at {}", self.at)) }
            }

            fn find(&self, byte: u8) -> Result<usize, String> {
                self.text[self.at..].iter().position(|b| *b == byte).map(|i| self.at + i).ok_or("unclosed".to_owned())
            }
        }
    }
}
