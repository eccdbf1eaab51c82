//! The `crosswalk --format text` report: target items grouped by category with their evidence.

use std::fmt::Write as _;

use super::Labels;
use super::format::t;
use crate::{Basis, EvidenceStatus, Prefill};

/// A crosswalk pre-fill as plain text for a terminal: the counts, then the target items grouped
/// by category, each with its evidence status and the source answers behind it (with the source
/// instrument's item texts and option labels when `labels` holds it).
#[must_use]
pub fn prefill_text(prefill: &Prefill, labels: &Labels<'_>) -> String {
    let mut out = String::new();
    let org = &prefill.organization;
    let who = org.name.as_ref().map_or_else(|| t(&org.id).into_owned(), |n| format!("{} ({})", t(n), t(&org.id)));
    let _ = writeln!(out, "Pre-fill of {} from {}: {who}, assessed {}", prefill.to, prefill.from, prefill.assessed_on);
    let _ = writeln!(out, "{}\n", prefill.notice);
    let _ = writeln!(
        out,
        "Supported: {}   Partial: {}   No evidence: {}",
        prefill.supported, prefill.partial, prefill.no_evidence
    );
    let mut category = None;
    for item in &prefill.items {
        if category != Some(&item.category) {
            category = Some(&item.category);
            let _ = writeln!(out, "\n{}", t(&item.category_title));
        }
        let status = match item.status {
            EvidenceStatus::Supported => "supported  ",
            EvidenceStatus::Partial => "partial    ",
            _ => "no evidence",
        };
        let _ = writeln!(out, "  [{status}] {}", t(&item.text));
        for e in &item.evidence {
            let answer = e.answer.as_deref().unwrap_or("unanswered");
            let basis = match e.basis {
                Basis::Official => "official match",
                _ => "inferred match",
            };
            let found = if e.status.is_none() { ", not in this response" } else { "" };
            match labels.item_in(&prefill.from.id, &e.item, e.answer.as_deref()) {
                Some((text, label)) => {
                    let answer = label.unwrap_or_else(|| answer.to_owned());
                    let _ = writeln!(out, "      [{}] {} ({}; {basis}{found})", t(&answer), t(&text), t(&e.item));
                }
                None => {
                    let _ = writeln!(out, "      {} = {} ({basis}{found})", t(&e.item), t(answer));
                }
            }
        }
    }
    out
}

/// The plain-text report, as [`render::prefill_text`](crate::render::prefill_text) writes it
/// without the source instrument (items and answers by id).
impl std::fmt::Display for Prefill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&prefill_text(self, &Labels::new([])))
    }
}
