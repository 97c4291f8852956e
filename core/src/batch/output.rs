//! The result batches: one row per input row, the fields of interfaces.md
//! §3.1 / §3.2 flattened with `_` in their order, then `error_code` and
//! `error_message`.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int32Builder, Int64Builder,
    ListBuilder, StringBuilder, StructBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use chrono::NaiveDate;

use super::MoneyType;
use crate::decision::Decision;
use crate::error::RecordError;
use crate::money::Money;
use crate::rules::settlement::Settlement;

/// Money columns are `decimal128(18, 2)`: 16 integer digits hold every
/// amount below 10¹³ yuan and every sum the rules make of them.
pub const MONEY_PRECISION: u8 = 18;

fn money_type(money: MoneyType) -> DataType {
    match money {
        MoneyType::Decimal128 => DataType::Decimal128(MONEY_PRECISION, 2),
        MoneyType::Float64 => DataType::Float64,
    }
}

fn codes_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn finding_fields() -> Fields {
    Fields::from(vec![
        Field::new("code", DataType::Utf8, false),
        Field::new("person_id", DataType::Utf8, true),
        Field::new("field", DataType::Utf8, false),
    ])
}

/// The columns of the decision batches (interfaces.md §6, output frames):
/// `household_id, as_of, size, net_income, per_capita_income,
/// poverty_line, exit_eligible, exit_failed, monitoring_category,
/// monitoring_triggers, dibao_eligible, dibao_monthly_benefit, dibao_failed,
/// identification_excluded, identification_reasons,
/// entitlements_insurance_premiums, entitlements_elderly_allowance,
/// entitlements_veterans_allowance, entitlements_education_aid,
/// entitlements_total, credit_eligible, credit_max_new_loan, credit_failed,
/// findings, error_code, error_message`. Every column is nullable: a row
/// that failed has nulls but for `household_id` (when it could be read)
/// and the two error columns.
pub fn decision_schema(money: MoneyType) -> SchemaRef {
    let m = || money_type(money);
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Arc::new(Schema::new(vec![
        f("household_id", DataType::Utf8),
        f("as_of", DataType::Date32),
        f("size", DataType::Int64),
        f("net_income", m()),
        f("per_capita_income", m()),
        f("poverty_line", m()),
        f("exit_eligible", DataType::Boolean),
        f("exit_failed", codes_type()),
        f("monitoring_category", DataType::Utf8),
        f("monitoring_triggers", codes_type()),
        f("dibao_eligible", DataType::Boolean),
        f("dibao_monthly_benefit", m()),
        f("dibao_failed", codes_type()),
        f("identification_excluded", DataType::Boolean),
        f("identification_reasons", codes_type()),
        f("entitlements_insurance_premiums", m()),
        f("entitlements_elderly_allowance", m()),
        f("entitlements_veterans_allowance", m()),
        f("entitlements_education_aid", m()),
        f("entitlements_total", m()),
        f("credit_eligible", DataType::Boolean),
        f("credit_max_new_loan", m()),
        f("credit_failed", codes_type()),
        f(
            "findings",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(finding_fields()),
                true,
            ))),
        ),
        f("error_code", DataType::Utf8),
        f("error_message", DataType::Utf8),
    ]))
}

/// The columns of the settlement batches: `claim_id, person_id, year,
/// total_cost, basic_insurance, critical_illness_insurance,
/// supplementary_insurance, medical_assistance, backstop, self_pay,
/// error_code, error_message`.
pub fn settlement_schema(money: MoneyType) -> SchemaRef {
    let m = || money_type(money);
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Arc::new(Schema::new(vec![
        f("claim_id", DataType::Utf8),
        f("person_id", DataType::Utf8),
        f("year", DataType::Int32),
        f("total_cost", m()),
        f("basic_insurance", m()),
        f("critical_illness_insurance", m()),
        f("supplementary_insurance", m()),
        f("medical_assistance", m()),
        f("backstop", m()),
        f("self_pay", m()),
        f("error_code", DataType::Utf8),
        f("error_message", DataType::Utf8),
    ]))
}

/// A money column being built.
enum MoneyColumn {
    Decimal(Decimal128Builder),
    Float(Float64Builder),
}

impl MoneyColumn {
    fn new(money: MoneyType, n: usize) -> MoneyColumn {
        match money {
            MoneyType::Decimal128 => MoneyColumn::Decimal(Decimal128Builder::with_capacity(n)),
            MoneyType::Float64 => MoneyColumn::Float(Float64Builder::with_capacity(n)),
        }
    }

    fn push(&mut self, m: Option<Money>) {
        match (self, m) {
            (MoneyColumn::Decimal(b), Some(m)) => b.append_value(fen(m)),
            (MoneyColumn::Float(b), Some(m)) => b.append_value(money_to_f64(m)),
            (MoneyColumn::Decimal(b), None) => b.append_null(),
            (MoneyColumn::Float(b), None) => b.append_null(),
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(match self {
            MoneyColumn::Decimal(b) => {
                Arc::new(b.finish().with_precision_and_scale(MONEY_PRECISION, 2)?)
            }
            MoneyColumn::Float(b) => Arc::new(b.finish()),
        })
    }
}

/// The amount in fen (money always has two decimals).
fn fen(m: Money) -> i128 {
    let d = m.as_decimal();
    let scale = d.scale();
    let mantissa = d.mantissa();
    match scale {
        2 => mantissa,
        s if s < 2 => mantissa * 10i128.pow(2 - s),
        s => mantissa / 10i128.pow(s - 2),
    }
}

/// The money as the float nearest to the exact amount: `fen / 100` with
/// both operands exact (|fen| < 2⁵³) and IEEE division rounding correctly,
/// so this is the float Python's `float("1234.50")` gives. Output only; no
/// rule sees it.
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
fn money_to_f64(m: Money) -> f64 {
    match m.fen() {
        Some(f) => f as f64 / 100.0,
        None => wide_to_f64(fen(m)),
    }
}

/// [`money_to_f64`] of an amount beyond an `i64` of fen. Kept out of line:
/// inlined, the compiler computed this software `i128` conversion for every
/// amount and then picked the `i64` result.
#[cold]
#[inline(never)]
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
fn wide_to_f64(fen: i128) -> f64 {
    fen as f64 / 100.0
}

/// `d` as `date32`: days since 1970-01-01 (day 719 163 of the common era).
fn days(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce() - 719_163
}

/// A `list<utf8>` column of codes.
struct Codes(ListBuilder<StringBuilder>);

impl Codes {
    fn new(n: usize) -> Codes {
        Codes(ListBuilder::with_capacity(StringBuilder::new(), n))
    }

    fn push<T: AsRef<str>>(&mut self, codes: Option<impl IntoIterator<Item = T>>) {
        match codes {
            Some(codes) => {
                for c in codes {
                    self.0.values().append_value(c.as_ref());
                }
                self.0.append(true);
            }
            None => self.0.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        Arc::new(self.0.finish())
    }
}

/// The decision columns of one chunk of rows.
pub(crate) struct DecisionColumns {
    schema: SchemaRef,
    household_id: StringBuilder,
    as_of: Date32Builder,
    size: Int64Builder,
    net_income: MoneyColumn,
    per_capita_income: MoneyColumn,
    poverty_line: MoneyColumn,
    exit_eligible: BooleanBuilder,
    exit_failed: Codes,
    monitoring_category: StringBuilder,
    monitoring_triggers: Codes,
    dibao_eligible: BooleanBuilder,
    dibao_monthly_benefit: MoneyColumn,
    dibao_failed: Codes,
    identification_excluded: BooleanBuilder,
    identification_reasons: Codes,
    premiums: MoneyColumn,
    elderly: MoneyColumn,
    veterans: MoneyColumn,
    education: MoneyColumn,
    entitlements_total: MoneyColumn,
    credit_eligible: BooleanBuilder,
    credit_max_new_loan: MoneyColumn,
    credit_failed: Codes,
    findings: ListBuilder<StructBuilder>,
    error_code: StringBuilder,
    error_message: StringBuilder,
}

impl DecisionColumns {
    /// Builders for about `n` rows.
    pub(crate) fn new(money: MoneyType, n: usize) -> DecisionColumns {
        let m = || MoneyColumn::new(money, n);
        let finding = StructBuilder::new(
            finding_fields(),
            vec![
                Box::new(StringBuilder::new()),
                Box::new(StringBuilder::new()),
                Box::new(StringBuilder::new()),
            ],
        );
        DecisionColumns {
            schema: decision_schema(money),
            household_id: StringBuilder::with_capacity(n, n * 8),
            as_of: Date32Builder::with_capacity(n),
            size: Int64Builder::with_capacity(n),
            net_income: m(),
            per_capita_income: m(),
            poverty_line: m(),
            exit_eligible: BooleanBuilder::with_capacity(n),
            exit_failed: Codes::new(n),
            monitoring_category: StringBuilder::with_capacity(n, n * 4),
            monitoring_triggers: Codes::new(n),
            dibao_eligible: BooleanBuilder::with_capacity(n),
            dibao_monthly_benefit: m(),
            dibao_failed: Codes::new(n),
            identification_excluded: BooleanBuilder::with_capacity(n),
            identification_reasons: Codes::new(n),
            premiums: m(),
            elderly: m(),
            veterans: m(),
            education: m(),
            entitlements_total: m(),
            credit_eligible: BooleanBuilder::with_capacity(n),
            credit_max_new_loan: m(),
            credit_failed: Codes::new(n),
            findings: ListBuilder::with_capacity(finding, n).with_field(Arc::new(Field::new(
                "item",
                DataType::Struct(finding_fields()),
                true,
            ))),
            error_code: StringBuilder::new(),
            error_message: StringBuilder::new(),
        }
    }

    /// Appends a decision.
    pub(crate) fn push(&mut self, d: &Decision) {
        self.household_id.append_value(&d.household_id);
        self.as_of.append_value(days(d.as_of));
        self.size.append_value(i64::from(d.size));
        self.net_income.push(Some(d.net_income));
        self.per_capita_income.push(Some(d.per_capita_income));
        self.poverty_line.push(Some(d.poverty_line));
        self.exit_eligible.append_value(d.exit.eligible);
        self.exit_failed
            .push(Some(d.exit.failed.iter().map(|c| c.as_str())));
        self.monitoring_category
            .append_value(d.monitoring.category.as_str());
        self.monitoring_triggers
            .push(Some(d.monitoring.triggers.iter().map(|c| c.as_str())));
        self.dibao_eligible.append_value(d.dibao.eligible);
        self.dibao_monthly_benefit
            .push(Some(d.dibao.monthly_benefit));
        self.dibao_failed
            .push(Some(d.dibao.failed.iter().map(|c| c.as_str())));
        self.identification_excluded
            .append_value(d.identification.excluded);
        self.identification_reasons
            .push(Some(d.identification.reasons.iter().map(|c| c.as_str())));
        let e = &d.entitlements;
        self.premiums.push(Some(e.insurance_premiums));
        self.elderly.push(Some(e.elderly_allowance));
        self.veterans.push(Some(e.veterans_allowance));
        self.education.push(Some(e.education_aid));
        self.entitlements_total.push(Some(e.total));
        self.credit_eligible.append_value(d.credit.eligible);
        self.credit_max_new_loan.push(Some(d.credit.max_new_loan));
        self.credit_failed
            .push(Some(d.credit.failed.iter().map(|c| c.as_str())));
        let list = self.findings.values();
        for f in &d.findings {
            if let Some(b) = list.field_builder::<StringBuilder>(0) {
                b.append_value(f.code.as_str());
            }
            if let Some(b) = list.field_builder::<StringBuilder>(1) {
                b.append_option(f.person_id.as_deref());
            }
            if let Some(b) = list.field_builder::<StringBuilder>(2) {
                b.append_value(&f.field);
            }
            list.append(true);
        }
        self.findings.append(true);
        self.error_code.append_null();
        self.error_message.append_null();
    }

    /// Appends a failed row: its household id when it could be read, nulls,
    /// then the error's code and message.
    pub(crate) fn push_error(&mut self, household_id: Option<&str>, e: &RecordError) {
        self.household_id.append_option(household_id);
        self.as_of.append_null();
        self.size.append_null();
        for m in [
            &mut self.net_income,
            &mut self.per_capita_income,
            &mut self.poverty_line,
        ] {
            m.push(None);
        }
        self.exit_eligible.append_null();
        self.exit_failed.push(None::<Vec<String>>);
        self.monitoring_category.append_null();
        self.monitoring_triggers.push(None::<Vec<String>>);
        self.dibao_eligible.append_null();
        self.dibao_monthly_benefit.push(None);
        self.dibao_failed.push(None::<Vec<String>>);
        self.identification_excluded.append_null();
        self.identification_reasons.push(None::<Vec<String>>);
        for m in [
            &mut self.premiums,
            &mut self.elderly,
            &mut self.veterans,
            &mut self.education,
            &mut self.entitlements_total,
        ] {
            m.push(None);
        }
        self.credit_eligible.append_null();
        self.credit_max_new_loan.push(None);
        self.credit_failed.push(None::<Vec<String>>);
        self.findings.append(false);
        self.error_code.append_value(e.code.as_str());
        self.error_message.append_value(&e.message);
    }

    /// The batch of the rows appended.
    pub(crate) fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.household_id.finish()),
            Arc::new(self.as_of.finish()),
            Arc::new(self.size.finish()),
            self.net_income.finish()?,
            self.per_capita_income.finish()?,
            self.poverty_line.finish()?,
            Arc::new(self.exit_eligible.finish()),
            self.exit_failed.finish(),
            Arc::new(self.monitoring_category.finish()),
            self.monitoring_triggers.finish(),
            Arc::new(self.dibao_eligible.finish()),
            self.dibao_monthly_benefit.finish()?,
            self.dibao_failed.finish(),
            Arc::new(self.identification_excluded.finish()),
            self.identification_reasons.finish(),
            self.premiums.finish()?,
            self.elderly.finish()?,
            self.veterans.finish()?,
            self.education.finish()?,
            self.entitlements_total.finish()?,
            Arc::new(self.credit_eligible.finish()),
            self.credit_max_new_loan.finish()?,
            self.credit_failed.finish(),
            Arc::new(self.findings.finish()),
            Arc::new(self.error_code.finish()),
            Arc::new(self.error_message.finish()),
        ];
        RecordBatch::try_new(self.schema, columns)
    }
}

/// The settlement columns of a run.
pub(crate) struct SettlementColumns {
    schema: SchemaRef,
    claim_id: StringBuilder,
    person_id: StringBuilder,
    year: Int32Builder,
    amounts: [MoneyColumn; 7],
    error_code: StringBuilder,
    error_message: StringBuilder,
}

impl SettlementColumns {
    /// Builders for about `n` rows.
    pub(crate) fn new(money: MoneyType, n: usize) -> SettlementColumns {
        SettlementColumns {
            schema: settlement_schema(money),
            claim_id: StringBuilder::with_capacity(n, n * 8),
            person_id: StringBuilder::with_capacity(n, n * 8),
            year: Int32Builder::with_capacity(n),
            amounts: std::array::from_fn(|_| MoneyColumn::new(money, n)),
            error_code: StringBuilder::new(),
            error_message: StringBuilder::new(),
        }
    }

    /// Appends a settlement.
    pub(crate) fn push(&mut self, s: &Settlement) {
        self.claim_id.append_value(s.claim_id.as_str());
        self.person_id.append_value(s.person_id.as_str());
        self.year.append_value(s.year);
        let values = [
            s.total_cost,
            s.basic_insurance,
            s.critical_illness_insurance,
            s.supplementary_insurance,
            s.medical_assistance,
            s.backstop,
            s.self_pay,
        ];
        for (col, v) in self.amounts.iter_mut().zip(values) {
            col.push(Some(v));
        }
        self.error_code.append_null();
        self.error_message.append_null();
    }

    /// Appends a failed row (the claim and person ids when they could be read).
    pub(crate) fn push_error(
        &mut self,
        claim_id: Option<&str>,
        person_id: Option<&str>,
        e: &RecordError,
    ) {
        self.claim_id.append_option(claim_id);
        self.person_id.append_option(person_id);
        self.year.append_null();
        for col in &mut self.amounts {
            col.push(None);
        }
        self.error_code.append_value(e.code.as_str());
        self.error_message.append_value(&e.message);
    }

    /// The batch of the rows appended.
    pub(crate) fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.claim_id.finish()),
            Arc::new(self.person_id.finish()),
            Arc::new(self.year.finish()),
        ];
        for col in &mut self.amounts {
            columns.push(col.finish()?);
        }
        columns.push(Arc::new(self.error_code.finish()));
        columns.push(Arc::new(self.error_message.finish()));
        RecordBatch::try_new(self.schema, columns)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// 1970-01-01 is day 0; 2020-12-31 is day 18 627 (50 years of 365 days
    /// plus the 12 leap days 1972…2016 = 18 262 for 2020-01-01, then 365);
    /// 1969-12-31 is day −1.
    #[test]
    fn date32_counts_days_from_1970() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(days(d(1970, 1, 1)), 0);
        assert_eq!(days(d(2020, 12, 31)), 18_627);
        assert_eq!(days(d(1969, 12, 31)), -1);
    }
}
