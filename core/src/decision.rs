//! The household decision of interfaces.md §3.1: every result of the rules
//! for one household on one date, with every failed criterion by its stable
//! code, in the spec's order.

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

mod json;

use crate::money::Money;
use crate::trace::{Explanation, TraceStep};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every code, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable wire slug.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == s)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&s, &[$($wire),+]))
            }
        }

        impl Code for $name {
            const ALL: &'static [$name] = $name::ALL;
            #[inline]
            fn index(self) -> u32 {
                self as u32
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A kind of stable code (a failed criterion, a trigger, a reason, a
/// finding): its values in the spec's order.
pub trait Code: Copy + 'static {
    /// Every code, in the spec's order.
    const ALL: &'static [Self];
    /// The code's place in [`Code::ALL`].
    fn index(self) -> u32;
}

/// A set of codes of one kind, a bit each, listed in the spec's order
/// whatever order they were added in: what a rule returns, without
/// allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CodeSet<C> {
    bits: u32,
    kind: std::marker::PhantomData<C>,
}

impl<C: Code> Default for CodeSet<C> {
    fn default() -> Self {
        CodeSet::EMPTY
    }
}

impl<C: Code> CodeSet<C> {
    /// No code.
    pub const EMPTY: CodeSet<C> = CodeSet {
        bits: 0,
        kind: std::marker::PhantomData,
    };

    /// Adds `c`.
    #[inline]
    pub fn insert(&mut self, c: C) {
        self.bits |= 1 << (c.index() % 32);
    }

    /// Adds `c` when `holds`.
    #[inline]
    pub fn insert_if(&mut self, holds: bool, c: C) {
        self.bits |= u32::from(holds) << (c.index() % 32);
    }

    /// Whether `c` is in the set.
    #[inline]
    pub fn contains(self, c: C) -> bool {
        self.bits & (1 << (c.index() % 32)) != 0
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The bits, code `i` at bit `i`.
    #[inline]
    pub fn bits(self) -> u32 {
        self.bits
    }

    /// The codes, in the spec's order.
    pub fn iter(self) -> impl Iterator<Item = C> {
        C::ALL.iter().copied().filter(move |c| self.contains(*c))
    }

    /// The codes as a list, in the spec's order.
    pub fn to_vec(self) -> Vec<C> {
        self.iter().collect()
    }
}

impl<C: Code + std::fmt::Debug> std::fmt::Debug for CodeSet<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

code_enum!(
    /// A failed exit criterion (domain.md §2), in decision order.
    ExitCode {
        /// Status is neither `poor` nor `returned`.
        NotPoor = "not_poor",
        /// Identified or returned in year `Y` (当年新识别或返贫的不退出).
        NewOrReturnedThisYear = "new_or_returned_this_year",
        /// Per-capita income not above the exit line.
        IncomeBelowLine = "income_below_line",
        /// 不愁吃 not attested.
        Food = "food",
        /// 不愁穿 not attested.
        Clothing = "clothing",
        /// A child of compulsory-school age out of school.
        CompulsoryEducation = "compulsory_education",
        /// A member not enrolled in basic medical insurance.
        BasicMedicalInsurance = "basic_medical_insurance",
        /// C/D-grade housing.
        HousingUnsafe = "housing_unsafe",
        /// Drinking water not safe.
        DrinkingWater = "drinking_water",
    }
);

code_enum!(
    /// Monitoring category (domain.md §3).
    MonitoringCategory {
        /// Not monitored.
        None = "none",
        /// 脱贫不稳定户.
        UnstableExited = "unstable_exited",
        /// 边缘易致贫户.
        Marginal = "marginal",
        /// Still on the register, not exited.
        Poor = "poor",
    }
);

code_enum!(
    /// A monitoring trigger (domain.md §3), in order.
    Trigger {
        /// Per-capita income below 1.5 × the exit line.
        LowIncome = "low_income",
        /// Rigid expenses above net income.
        RigidExpenses = "rigid_expenses",
        /// Per-capita income fell by half or more.
        IncomeDrop = "income_drop",
    }
);

code_enum!(
    /// A failed dibao criterion (domain.md §4).
    DibaoCode {
        /// Per-capita income (excluding dibao) not below the standard.
        IncomeAboveStandard = "income_above_standard",
        /// An asset test failed.
        Assets = "assets",
    }
);

code_enum!(
    /// An exclusion reason (一票否决, domain.md §7), in order.
    ExclusionReason {
        /// A car.
        Car = "car",
        /// Commercial housing in a town or city.
        CommercialHousing = "commercial_housing",
        /// A registered business with employees.
        Business = "business",
        /// A member paid by the state.
        PublicEmployee = "public_employee",
        /// Deposits above the per-capita limit.
        Deposits = "deposits",
    }
);

code_enum!(
    /// A failed micro-credit criterion (domain.md §6), in order.
    CreditCode {
        /// Not registered (nor a marginal household from `credit.marginal_from`).
        NotEligibleStatus = "not_eligible_status",
        /// No head, or the head's age outside the band.
        Age = "age",
        /// No credit rating.
        NoRating = "no_rating",
        /// No member of working age with normal or skilled labour.
        NoLabor = "no_labor",
        /// The credit line is used up.
        LimitReached = "limit_reached",
    }
);

code_enum!(
    /// A data-quality finding (domain.md §7), in the table's order.
    FindingCode {
        /// Identity number malformed or failing its checksum.
        IdNumberChecksum = "id_number_checksum",
        /// Identity number's birth date differs from `birth_date`.
        IdNumberBirthMismatch = "id_number_birth_mismatch",
        /// Identity number's sex digit differs from `sex`.
        IdNumberSexMismatch = "id_number_sex_mismatch",
        /// The same identity number on several member records (audit only).
        DuplicatePerson = "duplicate_person",
        /// A registered household with an exclusion reason (audit only).
        IdentificationExcluded = "identification_excluded",
        /// No counted head.
        NoHead = "no_head",
        /// More than one counted head.
        SeveralHeads = "several_heads",
        /// Main cause illness but every member healthy.
        IllnessCauseAllHealthy = "illness_cause_all_healthy",
        /// 特困 household with a dibao member.
        DibaoAndTekun = "dibao_and_tekun",
        /// Exited with per-capita income not above the line.
        ExitedBelowLine = "exited_below_line",
        /// A dibao member in a household at or above the standard.
        DibaoIncomeAboveStandard = "dibao_income_above_standard",
        /// A deceased member still flagged for dibao.
        DeceasedMemberCountedBenefits = "deceased_member_counted_benefits",
        /// A status date missing or after `as_of`.
        StatusDateInconsistent = "status_date_inconsistent",
        /// Exit steps missing at the start or middle, or dated backwards.
        ExitStepsOutOfOrder = "exit_steps_out_of_order",
        /// 公告 fewer than the publicity days after 公示.
        PublicityTooShort = "publicity_too_short",
        /// A household or member id seen earlier in the input (audit only).
        DuplicateId = "duplicate_id",
    }
);

impl FindingCode {
    /// `true` for the codes only `fupin audit` reports.
    pub fn audit_only(self) -> bool {
        matches!(
            self,
            FindingCode::DuplicatePerson
                | FindingCode::IdentificationExcluded
                | FindingCode::DuplicateId
        )
    }
}

/// One data-quality finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The code.
    pub code: FindingCode,
    /// The member concerned, or `None` for the household.
    pub person_id: Option<CompactString>,
    /// The field concerned (`id_number`, `assets.car`, …).
    pub field: String,
}

/// Exit decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitDecision {
    /// May exit in year `Y`.
    pub eligible: bool,
    /// Every failed criterion, in order.
    pub failed: Vec<ExitCode>,
}

/// Monitoring decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringDecision {
    /// The category.
    pub category: MonitoringCategory,
    /// The triggers that hold (empty for `poor`).
    pub triggers: Vec<Trigger>,
}

/// Dibao decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DibaoDecision {
    /// Eligible for rural dibao.
    pub eligible: bool,
    /// Monthly benefit (补差), `0.00` when not eligible.
    pub monthly_benefit: Money,
    /// Every failed criterion, in order.
    pub failed: Vec<DibaoCode>,
}

/// Identification check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentificationDecision {
    /// Any exclusion reason applies.
    pub excluded: bool,
    /// The reasons, in order.
    pub reasons: Vec<ExclusionReason>,
}

/// Annual entitlements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitlements {
    /// 扶贫保 premiums paid by government.
    pub insurance_premiums: Money,
    /// 高龄津贴, a year.
    pub elderly_allowance: Money,
    /// Veterans' living allowance, a year.
    pub veterans_allowance: Money,
    /// Education aid, a year.
    pub education_aid: Money,
    /// The sum of the four.
    pub total: Money,
}

/// Micro-credit decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditDecision {
    /// Eligible for a new poverty micro-credit loan.
    pub eligible: bool,
    /// The largest new loan, `0.00` when not eligible.
    pub max_new_loan: Money,
    /// Every failed criterion, in order.
    pub failed: Vec<CreditCode>,
}

/// Everything the rules decide for one household on `as_of` (interfaces.md §3.1).
///
/// Reads back from its own serialization (serde), so a decision can be
/// stored and restored whole (the Python `Decision` pickles this way).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The household's id.
    pub household_id: CompactString,
    /// The assessment date.
    #[serde(with = "crate::date::serde_date")]
    pub as_of: NaiveDate,
    /// `N`: members counted on `as_of`.
    pub size: u32,
    /// Household net income (negative when operating costs exceed income).
    #[serde(deserialize_with = "crate::money::deserialize_signed")]
    pub net_income: Money,
    /// Per-capita net income, rounded to the fen.
    #[serde(deserialize_with = "crate::money::deserialize_signed")]
    pub per_capita_income: Money,
    /// The exit poverty line on `as_of`.
    pub poverty_line: Money,
    /// Exit.
    pub exit: ExitDecision,
    /// Monitoring.
    pub monitoring: MonitoringDecision,
    /// Dibao.
    pub dibao: DibaoDecision,
    /// Identification check.
    pub identification: IdentificationDecision,
    /// Entitlements.
    pub entitlements: Entitlements,
    /// Micro-credit.
    pub credit: CreditDecision,
    /// The household's own data-quality findings.
    pub findings: Vec<Finding>,
    /// Sentences a caseworker can read aloud (only with explanation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// Each rule's inputs, parameters and result (only with explanation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceStep>>,
}
