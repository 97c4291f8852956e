//! The audit (`fupin audit`, domain.md §7): every household's own findings
//! plus the cross-household, audit-only codes `duplicate_person`,
//! `identification_excluded` and `duplicate_id`, in table order.

use std::collections::{HashMap, HashSet};

use crate::decision::{Decision, Finding, FindingCode};
use crate::error::RecordError;
use crate::idnumber::check_id_number;
use crate::record::Household;
use crate::rules::Evaluator;

/// One household's audit result: its findings, or its validation error.
pub type AuditResult = Result<Vec<Finding>, RecordError>;

/// Audits a whole registry. `households[i]` is the i-th input record (or its
/// parse error); the result has one entry per input, in input order.
pub fn audit(
    eval: &Evaluator<'_>,
    households: &[Result<Household, RecordError>],
) -> Vec<AuditResult> {
    let decisions: Vec<Result<Decision, RecordError>> = households
        .iter()
        .map(|h| match h {
            Ok(hh) => eval.evaluate(hh, false),
            Err(e) => Err(e.clone()),
        })
        .collect();
    audit_decided(households, &decisions)
}

/// The audit of households already evaluated (`decisions[i]` is the
/// decision or error of `households[i]`), so a caller that needs the
/// decisions too evaluates each household once.
pub fn audit_decided(
    households: &[Result<Household, RecordError>],
    decisions: &[Result<Decision, RecordError>],
) -> Vec<AuditResult> {
    // Only households that pass validation take part in the duplicate checks.
    let mut results: Vec<AuditResult> = households
        .iter()
        .zip(decisions)
        .map(|(h, d)| match (h, d) {
            (Ok(hh), Ok(d)) => {
                let mut f = d.findings.clone();
                if hh.status.is_registered() {
                    for r in &d.identification.reasons {
                        f.push(Finding {
                            code: FindingCode::IdentificationExcluded,
                            person_id: None,
                            field: format!("assets.{}", r.as_str()),
                        });
                    }
                }
                Ok(f)
            }
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        })
        .collect();

    // duplicate_person: a well-formed identity number (whatever its check
    // digit) on more than one member record of the valid households.
    let mut id_count: HashMap<&str, u32> = HashMap::new();
    for (h, r) in households.iter().zip(&results) {
        if let (Ok(hh), Ok(_)) = (h, r) {
            for m in &hh.members {
                if let Some(id) = &m.id_number
                    && check_id_number(id.expose()).well_formed
                {
                    *id_count.entry(id.expose()).or_default() += 1;
                }
            }
        }
    }
    // duplicate_id: a household id or member id seen earlier in the input.
    let mut seen_households: HashSet<&str> = HashSet::new();
    let mut seen_members: HashSet<&str> = HashSet::new();
    for (h, r) in households.iter().zip(results.iter_mut()) {
        let (Ok(hh), Ok(found)) = (h, r) else {
            continue;
        };
        for m in &hh.members {
            if let Some(id) = &m.id_number
                && id_count.get(id.expose()).copied().unwrap_or(0) > 1
            {
                found.push(Finding {
                    code: FindingCode::DuplicatePerson,
                    person_id: Some(m.id.clone()),
                    field: "id_number".into(),
                });
            }
        }
        if !seen_households.insert(hh.id.as_str()) {
            found.push(Finding {
                code: FindingCode::DuplicateId,
                person_id: None,
                field: "id".into(),
            });
        }
        for m in &hh.members {
            if !seen_members.insert(m.id.as_str()) {
                found.push(Finding {
                    code: FindingCode::DuplicateId,
                    person_id: Some(m.id.clone()),
                    field: "id".into(),
                });
            }
        }
        // Table order, then the order each code's findings were made in
        // (member input order): a stable sort by code.
        found.sort_by_key(|f| f.code);
    }
    results
}
