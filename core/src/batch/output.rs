//! The result batches: one row per input row, the fields of interfaces.md
//! §3.1 / §3.2 flattened with `_` in their order, then `error_code` and
//! `error_message`.

use std::sync::Arc;

use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{
    ArrayRef, ArrowPrimitiveType, BooleanArray, ListArray, PrimitiveArray, RecordBatch,
    StringArray, StructArray,
};
use arrow_buffer::{
    BooleanBuffer, BooleanBufferBuilder, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer,
};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use chrono::NaiveDate;

use super::MoneyType;
use crate::error::{ArithmeticError, RecordError};
use crate::exact::Exact;
use crate::money::Money;
use crate::rules::settlement::Settlement;
use crate::rules::{FindingAt, Outcome};

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

/// The rows of a column being built that are null: few (only failed rows),
/// so kept as a list and turned into a validity bitmap at the end.
#[derive(Default)]
struct Nulls(Vec<usize>);

impl Nulls {
    /// The validity of `len` rows: `None` when none is null.
    fn finish(&mut self, len: usize) -> Option<NullBuffer> {
        if self.0.is_empty() {
            return None;
        }
        let mut valid = BooleanBufferBuilder::new(len);
        valid.append_n(len, true);
        for &row in &self.0 {
            if row < len {
                valid.set_bit(row, false);
            }
        }
        self.0.clear();
        Some(NullBuffer::new(valid.finish()))
    }
}

/// A column of fixed-width values being built: a plain `Vec` (a push is a
/// store), nulls on the side. Arrow's builders keep a validity bitmap for
/// every push; this one pays only for a null.
struct Fixed<T: ArrowPrimitiveType> {
    values: Vec<T::Native>,
    nulls: Nulls,
}

impl<T: ArrowPrimitiveType> Fixed<T> {
    fn new(n: usize) -> Self {
        Fixed {
            values: Vec::with_capacity(n),
            nulls: Nulls::default(),
        }
    }

    fn push(&mut self, v: T::Native) {
        self.values.push(v);
    }

    fn push_null(&mut self) {
        self.nulls.0.push(self.values.len());
        self.values.push(T::Native::default());
    }

    fn finish(&mut self) -> Result<PrimitiveArray<T>, ArrowError> {
        let values = std::mem::take(&mut self.values);
        let nulls = self.nulls.finish(values.len());
        PrimitiveArray::try_new(ScalarBuffer::from(values), nulls)
    }
}

/// A `bool` column being built: one byte a row, packed to bits at the end.
#[derive(Default)]
struct Flags {
    values: Vec<bool>,
    nulls: Nulls,
}

impl Flags {
    fn new(n: usize) -> Self {
        Flags {
            values: Vec::with_capacity(n),
            nulls: Nulls::default(),
        }
    }

    fn push(&mut self, v: bool) {
        self.values.push(v);
    }

    fn push_null(&mut self) {
        self.nulls.0.push(self.values.len());
        self.values.push(false);
    }

    fn finish(&mut self) -> ArrayRef {
        let values = std::mem::take(&mut self.values);
        let bits =
            BooleanBuffer::collect_bool(values.len(), |i| values.get(i).copied().unwrap_or(false));
        let nulls = self.nulls.finish(values.len());
        // `nulls` has `values.len()` rows, as `new` requires.
        Arc::new(BooleanArray::new(bits, nulls))
    }
}

/// A `utf8` column being built: the bytes and the offsets, nulls on the
/// side.
struct Texts {
    offsets: Vec<i32>,
    bytes: Vec<u8>,
    nulls: Nulls,
    /// Whether the bytes outgrew `i32` offsets (then `finish` fails).
    overflow: bool,
}

impl Texts {
    /// A column for about `n` texts of `bytes` bytes in all.
    fn new(n: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        Texts {
            offsets,
            bytes: Vec::with_capacity(bytes),
            nulls: Nulls::default(),
            overflow: false,
        }
    }

    /// Rows so far.
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn end(&mut self) {
        let end = i32::try_from(self.bytes.len()).unwrap_or_else(|_| {
            self.overflow = true;
            i32::MAX
        });
        self.offsets.push(end);
    }

    fn push(&mut self, t: &str) {
        self.bytes.extend_from_slice(t.as_bytes());
        self.end();
    }

    fn push_null(&mut self) {
        self.nulls.0.push(self.len());
        self.end();
    }

    fn push_option(&mut self, t: Option<&str>) {
        match t {
            Some(t) => self.push(t),
            None => self.push_null(),
        }
    }

    fn finish_array(&mut self) -> Result<StringArray, ArrowError> {
        let len = self.len();
        if self.nulls.0.len() == len {
            // Every row null (the error columns of a chunk without errors):
            // nothing to check.
            self.offsets.truncate(1);
            self.nulls.0.clear();
            return Ok(StringArray::new_null(len));
        }
        let offsets = std::mem::replace(&mut self.offsets, vec![0]);
        let bytes = std::mem::take(&mut self.bytes);
        let nulls = self.nulls.finish(len);
        if std::mem::take(&mut self.overflow) {
            return Err(ArrowError::InvalidArgumentError(
                "a text column of more than 2 GiB in one chunk".to_owned(),
            ));
        }
        StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Buffer::from_vec(bytes),
            nulls,
        )
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(Arc::new(self.finish_array()?))
    }
}

/// The offsets and validity of a list column being built.
struct ListRows {
    offsets: Vec<i32>,
    nulls: Nulls,
}

impl ListRows {
    fn new(n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        ListRows {
            offsets,
            nulls: Nulls::default(),
        }
    }

    /// Ends a row whose items end at `items`.
    fn end(&mut self, items: usize) {
        // Items are fewer than bytes, which `Texts` keeps below 2 GiB.
        self.offsets.push(i32::try_from(items).unwrap_or(i32::MAX));
    }

    fn null(&mut self, items: usize) {
        self.nulls.0.push(self.offsets.len() - 1);
        self.end(items);
    }

    fn finish(&mut self, item: DataType, values: ArrayRef) -> Result<ArrayRef, ArrowError> {
        let len = self.offsets.len() - 1;
        let offsets = std::mem::replace(&mut self.offsets, vec![0]);
        let nulls = self.nulls.finish(len);
        Ok(Arc::new(ListArray::try_new(
            Arc::new(Field::new("item", item, true)),
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            values,
            nulls,
        )?))
    }
}

/// A money column being built.
enum MoneyColumn {
    Decimal(Fixed<Decimal128Type>),
    Float(Fixed<Float64Type>),
}

impl MoneyColumn {
    fn new(money: MoneyType, n: usize) -> MoneyColumn {
        match money {
            MoneyType::Decimal128 => MoneyColumn::Decimal(Fixed::new(n)),
            MoneyType::Float64 => MoneyColumn::Float(Fixed::new(n)),
        }
    }

    #[inline(always)]
    fn push(&mut self, m: Money) {
        match self {
            MoneyColumn::Decimal(b) => b.push(fen(m)),
            MoneyColumn::Float(b) => b.push(money_to_f64(m)),
        }
    }

    /// Appends an amount of `fen` hundredths of a yuan.
    #[inline(always)]
    #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
    fn push_fen(&mut self, fen: i64) {
        match self {
            MoneyColumn::Decimal(b) => b.push(i128::from(fen)),
            // Exact operands (|fen| < 2⁵³ for every published amount) and
            // a correctly rounded division: the float nearest the amount.
            MoneyColumn::Float(b) => b.push(fen as f64 / 100.0),
        }
    }

    fn push_null(&mut self) {
        match self {
            MoneyColumn::Decimal(b) => b.push_null(),
            MoneyColumn::Float(b) => b.push_null(),
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(match self {
            MoneyColumn::Decimal(b) => {
                Arc::new(b.finish()?.with_precision_and_scale(MONEY_PRECISION, 2)?)
            }
            MoneyColumn::Float(b) => Arc::new(b.finish()?),
        })
    }
}

/// The amount in fen (money always has two decimals).
#[inline]
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
struct Codes {
    rows: ListRows,
    items: Texts,
}

impl Codes {
    fn new(n: usize) -> Codes {
        Codes {
            rows: ListRows::new(n),
            items: Texts::new(n / 2, n * 8),
        }
    }

    fn push<T: AsRef<str>>(&mut self, codes: Option<impl IntoIterator<Item = T>>) {
        match codes {
            Some(codes) => {
                for c in codes {
                    self.items.push(c.as_ref());
                }
                self.rows.end(self.items.len());
            }
            None => self.rows.null(self.items.len()),
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let items = self.items.finish()?;
        self.rows.finish(DataType::Utf8, items)
    }
}

/// The `findings` column: a list of `{code, person_id, field}` structs.
struct Findings {
    rows: ListRows,
    code: Texts,
    person_id: Texts,
    field: Texts,
}

impl Findings {
    fn new(n: usize) -> Findings {
        Findings {
            rows: ListRows::new(n),
            code: Texts::new(n / 4, n * 4),
            person_id: Texts::new(n / 4, n * 2),
            field: Texts::new(n / 4, n * 4),
        }
    }

    /// Appends a row of findings by member place.
    fn push_at<'m>(&mut self, found: &[FindingAt], member_id: impl Fn(usize) -> Option<&'m str>) {
        for f in found {
            self.code.push(f.code.as_str());
            self.person_id.push_option(f.member.and_then(&member_id));
            self.field.push(f.field);
        }
        self.rows.end(self.code.len());
    }

    fn push_null(&mut self) {
        self.rows.null(self.code.len());
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let items = StructArray::try_new(
            finding_fields(),
            vec![
                self.code.finish()?,
                self.person_id.finish()?,
                self.field.finish()?,
            ],
            None,
        )?;
        self.rows
            .finish(DataType::Struct(finding_fields()), Arc::new(items))
    }
}

/// The decision columns of one chunk of rows.
pub(crate) struct DecisionColumns {
    schema: SchemaRef,
    household_id: Texts,
    as_of: Fixed<Date32Type>,
    size: Fixed<Int64Type>,
    net_income: MoneyColumn,
    per_capita_income: MoneyColumn,
    poverty_line: MoneyColumn,
    exit_eligible: Flags,
    exit_failed: Codes,
    monitoring_category: Texts,
    monitoring_triggers: Codes,
    dibao_eligible: Flags,
    dibao_monthly_benefit: MoneyColumn,
    dibao_failed: Codes,
    identification_excluded: Flags,
    identification_reasons: Codes,
    premiums: MoneyColumn,
    elderly: MoneyColumn,
    veterans: MoneyColumn,
    education: MoneyColumn,
    entitlements_total: MoneyColumn,
    credit_eligible: Flags,
    credit_max_new_loan: MoneyColumn,
    credit_failed: Codes,
    findings: Findings,
    error_code: Texts,
    error_message: Texts,
}

impl DecisionColumns {
    /// Builders for about `n` rows.
    pub(crate) fn new(money: MoneyType, n: usize) -> DecisionColumns {
        let m = || MoneyColumn::new(money, n);
        DecisionColumns {
            schema: decision_schema(money),
            household_id: Texts::new(n, n * 8),
            as_of: Fixed::new(n),
            size: Fixed::new(n),
            net_income: m(),
            per_capita_income: m(),
            poverty_line: m(),
            exit_eligible: Flags::new(n),
            exit_failed: Codes::new(n),
            monitoring_category: Texts::new(n, n * 4),
            monitoring_triggers: Codes::new(n),
            dibao_eligible: Flags::new(n),
            dibao_monthly_benefit: m(),
            dibao_failed: Codes::new(n),
            identification_excluded: Flags::new(n),
            identification_reasons: Codes::new(n),
            premiums: m(),
            elderly: m(),
            veterans: m(),
            education: m(),
            entitlements_total: m(),
            credit_eligible: Flags::new(n),
            credit_max_new_loan: m(),
            credit_failed: Codes::new(n),
            findings: Findings::new(n),
            error_code: Texts::new(n, 0),
            error_message: Texts::new(n, 0),
        }
    }

    /// Appends the results of the rules for one household straight from
    /// its [`Outcome`]: no decision is built. `member_id(i)` is the id of
    /// the household's member record `i` (for findings).
    pub(crate) fn push_outcome<'m>(
        &mut self,
        household_id: &str,
        as_of: NaiveDate,
        poverty_line: i64,
        o: &Outcome,
        found: &[FindingAt],
        member_id: impl Fn(usize) -> Option<&'m str>,
    ) -> Result<(), ArithmeticError> {
        let fen = |x: Exact| x.round_fen("published amount")?.to_fen("published amount");
        // Every amount first, so a failure leaves no column longer than another.
        let e = &o.entitlements;
        let amounts = [
            fen(o.income.net)?,
            fen(o.income.pci)?,
            fen(o.dibao_benefit)?,
            fen(e.insurance_premiums)?,
            fen(e.elderly_allowance)?,
            fen(e.veterans_allowance)?,
            fen(e.education_aid)?,
            fen(e.total)?,
            fen(o.credit_max_new_loan)?,
        ];
        let [
            net,
            pci,
            benefit,
            premiums,
            elderly,
            veterans,
            education,
            total,
            loan,
        ] = amounts;
        self.household_id.push(household_id);
        self.as_of.push(days(as_of));
        self.size.push(i64::try_from(o.size).unwrap_or(i64::MAX));
        self.net_income.push_fen(net);
        self.per_capita_income.push_fen(pci);
        self.poverty_line.push_fen(poverty_line);
        self.exit_eligible.push(o.exit.is_empty());
        self.exit_failed
            .push(Some(o.exit.iter().map(|c| c.as_str())));
        self.monitoring_category.push(o.monitoring.as_str());
        self.monitoring_triggers
            .push(Some(o.triggers.iter().map(|c| c.as_str())));
        self.dibao_eligible.push(o.dibao.is_empty());
        self.dibao_monthly_benefit.push_fen(benefit);
        self.dibao_failed
            .push(Some(o.dibao.iter().map(|c| c.as_str())));
        self.identification_excluded.push(!o.exclusions.is_empty());
        self.identification_reasons
            .push(Some(o.exclusions.iter().map(|c| c.as_str())));
        self.premiums.push_fen(premiums);
        self.elderly.push_fen(elderly);
        self.veterans.push_fen(veterans);
        self.education.push_fen(education);
        self.entitlements_total.push_fen(total);
        self.credit_eligible.push(o.credit.is_empty());
        self.credit_max_new_loan.push_fen(loan);
        self.credit_failed
            .push(Some(o.credit.iter().map(|c| c.as_str())));
        self.findings.push_at(found, member_id);
        self.error_code.push_null();
        self.error_message.push_null();
        Ok(())
    }

    /// Appends a failed row: its household id when it could be read, nulls,
    /// then the error's code and message.
    pub(crate) fn push_error(&mut self, household_id: Option<&str>, e: &RecordError) {
        self.household_id.push_option(household_id);
        self.as_of.push_null();
        self.size.push_null();
        for m in [
            &mut self.net_income,
            &mut self.per_capita_income,
            &mut self.poverty_line,
        ] {
            m.push_null();
        }
        self.exit_eligible.push_null();
        self.exit_failed.push(None::<Vec<String>>);
        self.monitoring_category.push_null();
        self.monitoring_triggers.push(None::<Vec<String>>);
        self.dibao_eligible.push_null();
        self.dibao_monthly_benefit.push_null();
        self.dibao_failed.push(None::<Vec<String>>);
        self.identification_excluded.push_null();
        self.identification_reasons.push(None::<Vec<String>>);
        for m in [
            &mut self.premiums,
            &mut self.elderly,
            &mut self.veterans,
            &mut self.education,
            &mut self.entitlements_total,
        ] {
            m.push_null();
        }
        self.credit_eligible.push_null();
        self.credit_max_new_loan.push_null();
        self.credit_failed.push(None::<Vec<String>>);
        self.findings.push_null();
        self.error_code.push(e.code.as_str());
        self.error_message.push(&e.message);
    }

    /// The batch of the rows appended.
    pub(crate) fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            self.household_id.finish()?,
            Arc::new(self.as_of.finish()?),
            Arc::new(self.size.finish()?),
            self.net_income.finish()?,
            self.per_capita_income.finish()?,
            self.poverty_line.finish()?,
            self.exit_eligible.finish(),
            self.exit_failed.finish()?,
            self.monitoring_category.finish()?,
            self.monitoring_triggers.finish()?,
            self.dibao_eligible.finish(),
            self.dibao_monthly_benefit.finish()?,
            self.dibao_failed.finish()?,
            self.identification_excluded.finish(),
            self.identification_reasons.finish()?,
            self.premiums.finish()?,
            self.elderly.finish()?,
            self.veterans.finish()?,
            self.education.finish()?,
            self.entitlements_total.finish()?,
            self.credit_eligible.finish(),
            self.credit_max_new_loan.finish()?,
            self.credit_failed.finish()?,
            self.findings.finish()?,
            self.error_code.finish()?,
            self.error_message.finish()?,
        ];
        RecordBatch::try_new(self.schema, columns)
    }
}

/// The settlement columns of a run.
pub(crate) struct SettlementColumns {
    schema: SchemaRef,
    claim_id: Texts,
    person_id: Texts,
    year: Fixed<Int32Type>,
    amounts: [MoneyColumn; 7],
    error_code: Texts,
    error_message: Texts,
}

impl SettlementColumns {
    /// Builders for about `n` rows.
    pub(crate) fn new(money: MoneyType, n: usize) -> SettlementColumns {
        SettlementColumns {
            schema: settlement_schema(money),
            claim_id: Texts::new(n, n * 8),
            person_id: Texts::new(n, n * 8),
            year: Fixed::new(n),
            amounts: std::array::from_fn(|_| MoneyColumn::new(money, n)),
            error_code: Texts::new(n, 0),
            error_message: Texts::new(n, 0),
        }
    }

    /// Appends a settlement.
    pub(crate) fn push(&mut self, s: &Settlement) {
        self.claim_id.push(s.claim_id.as_str());
        self.person_id.push(s.person_id.as_str());
        self.year.push(s.year);
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
            col.push(v);
        }
        self.error_code.push_null();
        self.error_message.push_null();
    }

    /// Appends a failed row (the claim and person ids when they could be read).
    pub(crate) fn push_error(
        &mut self,
        claim_id: Option<&str>,
        person_id: Option<&str>,
        e: &RecordError,
    ) {
        self.claim_id.push_option(claim_id);
        self.person_id.push_option(person_id);
        self.year.push_null();
        for col in &mut self.amounts {
            col.push_null();
        }
        self.error_code.push(e.code.as_str());
        self.error_message.push(&e.message);
    }

    /// The batch of the rows appended.
    pub(crate) fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let mut columns: Vec<ArrayRef> = vec![
            self.claim_id.finish()?,
            self.person_id.finish()?,
            Arc::new(self.year.finish()?),
        ];
        for col in &mut self.amounts {
            columns.push(col.finish()?);
        }
        columns.push(self.error_code.finish()?);
        columns.push(self.error_message.finish()?);
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
