//! The synthetic demo county (`fupin synth`, domain.md §8): a deterministic
//! registry shaped like the seed county, for the report's default, the tests
//! and the benchmarks.
//!
//! # Shape
//!
//! At the default 1662 households the county has exactly the seed's towns,
//! villages and per-town households and persons (persons are the members
//! counted on `as_of`; a few households also list members who died or moved
//! out before it, on top). With another `--households N` every town gets its
//! share of `N` (largest remainder, ties to the earlier town), its persons
//! `round(persons₁₆₆₂ × households / households₁₆₆₂)`, and each village its
//! share of its town's households by population; village populations scale
//! as `round(population × N / 1662)` (at least 1).
//!
//! # Determinism
//!
//! The generator is ChaCha8 (`rand_chacha`), whose output stream is fixed by
//! its algorithm, so a seed gives byte-identical files on every platform. The
//! 32-byte ChaCha seed is [`chacha_seed`]: the `u64` seed in little-endian
//! order followed by the 24 ASCII bytes `fupin-synth/ChaCha8/v1` padded with
//! two zero bytes. Households draw from stream 0 and claims from stream 1 of
//! that key, so the households are the same whether or not claims are taken.
//! Every sample is drawn with the integer helpers of this file (rejection
//! sampling on `next_u64`); no floating point and no `rand` distribution is
//! used, so nothing can change under us with a dependency's version.
//!
//! # Contents
//!
//! A realistic mix (statuses, attributes, causes, incomes clustered near the
//! exit line 4000, the dibao standard 4560 and the monitoring threshold 6000,
//! elderly, disabled, students, dibao members, veterans, credit, exit steps,
//! hospital stays), and every seventh household (index ≡ 3 mod 7) carries one
//! *planted* case from a fixed cycle of [`PLANT_KINDS`] kinds, so that every
//! finding code of domain.md §7, every exit, dibao and credit failure code,
//! every monitoring trigger and category and the boundary values (incomes
//! exactly at the lines, ages exactly 60, 75, 80, deposits exactly at the
//! limits) occur a few times. Every record is valid: nothing here is a
//! validation error. The generator targets the 2020 values of
//! `ningxia-2020` (lines 4000, 4560, 6000; deposit limits 10 000 and
//! 24 × 4560 / 12 per person) whatever `as_of` is.
//!
//! Memory is flat in `N`: the generator keeps its position, a short ring of
//! recent members (for the cross-household duplicates it plants) and one
//! counter per (birth date, sex) for identity-number sequence codes.

use std::collections::{HashMap, VecDeque};

use chrono::{Datelike, Days, NaiveDate};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rust_decimal::Decimal;

use crate::decision::ExclusionReason;
use crate::enums::{
    Attribute, Cause, CreditRating, ExitStepKind, Health, HospitalLevel, Housing, Labor, Relation,
    Schooling, Sex, Status, WireEnum,
};
use crate::idnumber::check_char;
use crate::mask::{IdNumber, PersonName};
use crate::money::Money;
use crate::record::{Assets, Claim, Credit, ExitStep, Guarantees, Household, Income, Member};
pub use crate::stats::VillageRow;

/// The default number of households: the seed county's 1662.
pub const DEFAULT_HOUSEHOLDS: u64 = 1662;
/// The default seed.
pub const DEFAULT_SEED: u64 = 2020;
/// The administrative region code that starts every identity number
/// (贺兰县, 宁夏银川市).
pub const REGION_CODE: &str = "640122";

/// One town of the demo county as the seed gives it (at 1662 households).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TownShape {
    /// Town name.
    pub name: &'static str,
    /// Households at the default size.
    pub households: u64,
    /// Persons (members counted on `as_of`) at the default size.
    pub persons: u64,
    /// Its villages with their agricultural-registered populations.
    pub villages: &'static [(&'static str, u64)],
}

/// The demo county of domain.md §8, in the order of its towns.
pub const DEMO_COUNTY: &[TownShape] = &[
    TownShape {
        name: "洪广镇",
        households: 1199,
        persons: 5745,
        villages: &[
            ("欣荣村", 8273),
            ("广荣村", 4200),
            ("洪广村", 3100),
            ("北庙村", 2600),
        ],
    },
    TownShape {
        name: "金贵镇",
        households: 120,
        persons: 566,
        villages: &[("银光村", 2900)],
    },
    TownShape {
        name: "立岗镇",
        households: 149,
        persons: 706,
        villages: &[("兰光村", 3300)],
    },
    TownShape {
        name: "南梁台子",
        households: 145,
        persons: 676,
        villages: &[("隆源村", 2400)],
    },
    TownShape {
        name: "常信乡",
        households: 49,
        persons: 112,
        villages: &[("常信村", 2500)],
    },
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of households.
    pub households: u64,
    /// The seed.
    pub seed: u64,
    /// The assessment date the county is shaped for (persons are counted
    /// on it; dates and ages are drawn relative to it).
    pub as_of: NaiveDate,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            households: DEFAULT_HOUSEHOLDS,
            seed: DEFAULT_SEED,
            as_of: NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default(),
        }
    }
}

/// One village of the county at the configured size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillagePlan {
    /// Village name.
    pub name: &'static str,
    /// Households generated in it.
    pub households: u64,
    /// Its population (scaled).
    pub population: u64,
}

/// One town of the county at the configured size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownPlan {
    /// Town name.
    pub name: &'static str,
    /// Households generated in it.
    pub households: u64,
    /// Persons counted on `as_of` in its households.
    pub persons: u64,
    /// Its villages, in order.
    pub villages: Vec<VillagePlan>,
}

/// The 32-byte ChaCha8 seed of a `u64` seed: its 8 little-endian bytes, then
/// `fupin-synth/ChaCha8/v1` and two zero bytes.
pub fn chacha_seed(seed: u64) -> [u8; 32] {
    const TAG: &[u8; 24] = b"fupin-synth/ChaCha8/v1\0\0";
    let mut out = [0u8; 32];
    for (o, b) in out
        .iter_mut()
        .zip(seed.to_le_bytes().iter().chain(TAG.iter()))
    {
        *o = *b;
    }
    out
}

/// Largest-remainder apportionment of `total` by `weights` (ties to the
/// earlier entry).
fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let t = u128::from(total);
    let mut out: Vec<u64> = weights
        .iter()
        .map(|&w| u64::try_from(t * u128::from(w) / sum).unwrap_or(0))
        .collect();
    let given: u64 = out.iter().sum();
    let mut order: Vec<(usize, u128)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| (i, t * u128::from(w) % sum))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in order
        .iter()
        .take(usize::try_from(total - given).unwrap_or(0))
    {
        if let Some(x) = out.get_mut(*i) {
            *x += 1;
        }
    }
    out
}

/// `round(a × b / c)`, half up, for non-negative integers.
fn scale(a: u64, b: u64, c: u64) -> u64 {
    if c == 0 {
        return 0;
    }
    let (a, b, c) = (u128::from(a), u128::from(b), u128::from(c));
    u64::try_from((2 * a * b + c) / (2 * c)).unwrap_or(u64::MAX)
}

/// The towns and villages at `households` households.
pub fn county_plan(households: u64) -> Vec<TownPlan> {
    let town_weights: Vec<u64> = DEMO_COUNTY.iter().map(|t| t.households).collect();
    let town_households = apportion(households, &town_weights);
    DEMO_COUNTY
        .iter()
        .zip(town_households)
        .map(|(t, h)| {
            let pops: Vec<u64> = t.villages.iter().map(|v| v.1).collect();
            let split = apportion(h, &pops);
            TownPlan {
                name: t.name,
                households: h,
                persons: scale(t.persons, h, t.households),
                villages: t
                    .villages
                    .iter()
                    .zip(split)
                    .map(|(&(name, pop), vh)| VillagePlan {
                        name,
                        households: vh,
                        population: scale(pop, households, DEFAULT_HOUSEHOLDS).max(1),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Integer-only sampling on ChaCha8.
struct Dice(ChaCha8Rng);

impl Dice {
    /// Uniform in `0..n` (0 when `n ≤ 1`), by rejection: no modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let r = (u64::MAX % n + 1) % n;
        loop {
            let x = self.0.next_u64();
            if r == 0 || x <= u64::MAX - r {
                return x % n;
            }
        }
    }

    /// Uniform in `lo..=hi` (`lo` when `hi ≤ lo`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(0).saturating_add(1);
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    /// `true` with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One of `items` by integer weight (`or` if every weight is zero).
    fn pick<T: Copy>(&mut self, items: &[(T, u64)], or: T) -> T {
        let total: u64 = items.iter().map(|x| x.1).sum();
        let mut x = self.below(total);
        for &(t, w) in items {
            if x < w {
                return t;
            }
            x -= w;
        }
        or
    }

    /// A date in `lo..=hi` (`lo` when `hi ≤ lo`).
    fn date(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days();
        let off = self.range(0, span.max(0));
        add_days(lo, off)
    }
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    let r = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    r.unwrap_or(d)
}

/// `d` moved to `year` (29 February becomes 28 February).
fn with_year(d: NaiveDate, year: i32) -> NaiveDate {
    d.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(d)
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()
}

fn fen(amount: i64) -> Money {
    Money::from_decimal_rounded(Decimal::new(amount, 2))
}

/// A planted case: one household built to show one code or boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    IdChecksum,
    IdBirth,
    IdSex,
    DuplicatePerson,
    DuplicateId,
    Excluded(ExclusionReason),
    DepositsAtLimit,
    DibaoDepositsAbove,
    NoHead,
    HeadDeceased,
    SeveralHeads,
    IllnessAllHealthy,
    DibaoTekun,
    ExitedAtLine,
    ExitedBelowLine,
    DibaoAtStandard,
    DibaoAboveStandard,
    DibaoJustBelow,
    DeceasedDibao,
    ExitedWithoutDate,
    ReturnedWithoutDate,
    IdentifiedLater,
    ExitedLater,
    StepsMissingStart,
    StepsBackwards,
    StepsMissingMiddle,
    PublicityShort(i64),
    Food,
    Clothing,
    Dropout,
    OutOfSchool,
    Exempt,
    Uninsured,
    UninsuredNewborn,
    HousingUnsafe,
    Water,
    PoorAt(i64),
    ExitedAt(i64),
    RigidExpenses,
    IncomeDrop,
    Marginal,
    UnregisteredPlain,
    ElderlyHead(i32),
    CreditLimit,
    NegativeIncome,
    NewThisYear,
    ReturnedThisYear,
    Veteran60,
}

/// The cycle of planted cases.
const PLANTS: &[Plant] = &[
    Plant::IdChecksum,
    Plant::IdBirth,
    Plant::IdSex,
    Plant::DuplicatePerson,
    Plant::DuplicateId,
    Plant::Excluded(ExclusionReason::Car),
    Plant::Excluded(ExclusionReason::CommercialHousing),
    Plant::Excluded(ExclusionReason::Business),
    Plant::Excluded(ExclusionReason::PublicEmployee),
    Plant::Excluded(ExclusionReason::Deposits),
    Plant::DepositsAtLimit,
    Plant::DibaoDepositsAbove,
    Plant::NoHead,
    Plant::HeadDeceased,
    Plant::SeveralHeads,
    Plant::IllnessAllHealthy,
    Plant::DibaoTekun,
    Plant::ExitedAtLine,
    Plant::ExitedBelowLine,
    Plant::DibaoAtStandard,
    Plant::DibaoAboveStandard,
    Plant::DibaoJustBelow,
    Plant::DeceasedDibao,
    Plant::ExitedWithoutDate,
    Plant::ReturnedWithoutDate,
    Plant::IdentifiedLater,
    Plant::ExitedLater,
    Plant::StepsMissingStart,
    Plant::StepsBackwards,
    Plant::StepsMissingMiddle,
    Plant::PublicityShort(3),
    Plant::PublicityShort(6),
    Plant::Food,
    Plant::Clothing,
    Plant::Dropout,
    Plant::OutOfSchool,
    Plant::Exempt,
    Plant::Uninsured,
    Plant::UninsuredNewborn,
    Plant::HousingUnsafe,
    Plant::Water,
    Plant::PoorAt(400_000),
    Plant::PoorAt(400_001),
    Plant::ExitedAt(600_000),
    Plant::ExitedAt(599_999),
    Plant::RigidExpenses,
    Plant::IncomeDrop,
    Plant::Marginal,
    Plant::UnregisteredPlain,
    Plant::ElderlyHead(80),
    Plant::ElderlyHead(75),
    Plant::ElderlyHead(66),
    Plant::CreditLimit,
    Plant::NegativeIncome,
    Plant::NewThisYear,
    Plant::ReturnedThisYear,
    Plant::Veteran60,
];

/// How many kinds of planted case the cycle has.
pub const PLANT_KINDS: usize = PLANTS.len();

/// Households with index ≡ `PLANT_OFFSET` (mod `PLANT_EVERY`) are planted.
const PLANT_EVERY: u64 = 7;
const PLANT_OFFSET: u64 = 3;

fn plant_for(index: u64) -> Option<Plant> {
    if index % PLANT_EVERY != PLANT_OFFSET {
        return None;
    }
    let kinds = u64::try_from(PLANTS.len()).ok()?;
    let slot = usize::try_from((index / PLANT_EVERY) % kinds).ok()?;
    PLANTS.get(slot).copied()
}

impl Plant {
    fn status(self) -> Option<Status> {
        use Plant::*;
        Some(match self {
            ExitedAtLine | ExitedBelowLine | ExitedWithoutDate | ExitedLater
            | StepsMissingStart | StepsBackwards | StepsMissingMiddle | PublicityShort(_)
            | ExitedAt(_) | RigidExpenses | IncomeDrop => Status::Exited,
            ReturnedWithoutDate | ReturnedThisYear => Status::Returned,
            Food | Clothing | Dropout | OutOfSchool | Exempt | Uninsured | UninsuredNewborn
            | HousingUnsafe | Water | PoorAt(_) | NewThisYear | IdentifiedLater
            | DibaoJustBelow | CreditLimit => Status::Poor,
            Marginal | UnregisteredPlain => Status::Unregistered,
            _ => return None,
        })
    }

    fn needs_registered(self) -> bool {
        matches!(
            self,
            Plant::Excluded(_)
                | Plant::DepositsAtLimit
                | Plant::DibaoTekun
                | Plant::DibaoAtStandard
                | Plant::DibaoAboveStandard
                | Plant::IllnessAllHealthy
                | Plant::NegativeIncome
        )
    }

    fn min_size(self) -> u64 {
        match self {
            Plant::DuplicatePerson
            | Plant::DuplicateId
            | Plant::SeveralHeads
            | Plant::Dropout
            | Plant::OutOfSchool
            | Plant::Exempt
            | Plant::Uninsured
            | Plant::UninsuredNewborn => 2,
            _ => 1,
        }
    }

    fn dibao_member(self) -> bool {
        matches!(
            self,
            Plant::DibaoTekun
                | Plant::DibaoAtStandard
                | Plant::DibaoAboveStandard
                | Plant::DibaoJustBelow
        )
    }
}

/// How the head is drawn.
#[derive(Clone, Copy, Default)]
struct HeadSpec {
    age: Option<i32>,
    birthday_on_as_of: bool,
    male: Option<bool>,
}

const SURNAMES: &[(&str, u64)] = &[
    ("马", 14),
    ("杨", 8),
    ("李", 8),
    ("王", 8),
    ("张", 7),
    ("刘", 6),
    ("田", 4),
    ("周", 3),
    ("丁", 3),
    ("海", 3),
    ("何", 3),
    ("赵", 3),
    ("陈", 3),
    ("黄", 2),
    ("吴", 2),
    ("金", 2),
    ("苏", 2),
    ("韩", 2),
    ("冯", 2),
    ("郭", 2),
    ("罗", 2),
    ("白", 2),
    ("纳", 1),
    ("沙", 1),
    ("锁", 1),
    ("拜", 1),
    ("虎", 1),
    ("穆", 1),
];

const GIVEN_MALE: &[&str] = &[
    "伟", "军", "强", "明", "国", "华", "文", "斌", "勇", "平", "忠", "福", "贵", "林", "海", "成",
    "德", "有", "学", "俊", "鹏", "飞", "龙", "刚", "志", "兵", "涛", "辉", "亮", "宏",
];

const GIVEN_FEMALE: &[&str] = &[
    "梅", "兰", "英", "芳", "花", "秀", "霞", "玲", "娟", "丽", "燕", "红", "萍", "琴", "凤", "莲",
    "静", "慧", "婷", "雪", "琳", "艳", "敏", "洁", "桂", "珍", "月", "晶", "娜", "丹",
];

const CAUSES: &[(Cause, u64)] = &[
    (Cause::Illness, 300),
    (Cause::Disability, 110),
    (Cause::Schooling, 80),
    (Cause::LackOfSkills, 150),
    (Cause::LackOfCapital, 120),
    (Cause::LackOfLabor, 80),
    (Cause::LackOfLand, 30),
    (Cause::LackOfWater, 30),
    (Cause::Disaster, 20),
    (Cause::PoorTransport, 20),
    (Cause::LackOfMotivation, 40),
    (Cause::Other, 20),
];

/// The exit line, dibao standard and monitoring threshold the generator
/// plants around, in fen (2020 values of `ningxia-2020`).
const LINE: i64 = 400_000;
const DIBAO_STANDARD: i64 = 456_000;
const MONITORING: i64 = 600_000;

/// The deterministic generator of the demo county: an iterator of
/// households (with [`Synth::next_entry`] for each household's claims too).
///
/// ```
/// use fupin_core::synth::{Synth, SynthConfig};
/// let n = Synth::new(SynthConfig { households: 20, ..SynthConfig::default() }).count();
/// assert_eq!(n, 20);
/// ```
pub struct Synth {
    config: SynthConfig,
    plan: Vec<TownPlan>,
    dice: Dice,
    claim_dice: Dice,
    town: usize,
    village: usize,
    left_in_village: u64,
    households_left_in_town: u64,
    persons_left_in_town: u64,
    started: bool,
    index: u64,
    next_member: u64,
    next_claim: u64,
    id_sequence: HashMap<(NaiveDate, bool), u64>,
    recent: VecDeque<Member>,
}

impl Synth {
    /// A generator for `config`.
    pub fn new(config: SynthConfig) -> Synth {
        let key = chacha_seed(config.seed);
        let rng = ChaCha8Rng::from_seed(key);
        let mut claims = ChaCha8Rng::from_seed(key);
        claims.set_stream(1);
        Synth {
            config,
            plan: county_plan(config.households),
            dice: Dice(rng),
            claim_dice: Dice(claims),
            town: 0,
            village: 0,
            left_in_village: 0,
            households_left_in_town: 0,
            persons_left_in_town: 0,
            started: false,
            index: 0,
            next_member: 1,
            next_claim: 1,
            id_sequence: HashMap::new(),
            recent: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> SynthConfig {
        self.config
    }

    /// The towns and villages being generated, with their household and
    /// person counts.
    pub fn plan(&self) -> &[TownPlan] {
        &self.plan
    }

    /// The rows of `villages.csv`, in town then village order.
    pub fn villages(&self) -> Vec<VillageRow> {
        self.plan
            .iter()
            .flat_map(|t| {
                t.villages.iter().map(|v| VillageRow {
                    village: v.name.to_owned(),
                    town: t.name.to_owned(),
                    population: v.population,
                })
            })
            .collect()
    }

    /// The next household with its hospital claims (admission order), or
    /// `None` after the last one.
    pub fn next_entry(&mut self) -> Option<(Household, Vec<Claim>)> {
        if !self.started {
            self.started = true;
            self.enter_town(0);
        }
        while self.left_in_village == 0 {
            self.village += 1;
            let town = self.plan.get(self.town)?;
            match town.villages.get(self.village) {
                Some(v) => self.left_in_village = v.households,
                None => self.enter_town(self.town + 1),
            }
        }
        let town = self.plan.get(self.town)?;
        let village = town.villages.get(self.village)?;
        let (town_name, village_name) = (town.name, village.name);
        let index = self.index;
        let plant = plant_for(index);
        let size = self.pick_size(plant.map_or(1, Plant::min_size));
        self.left_in_village -= 1;
        self.households_left_in_town -= 1;
        self.persons_left_in_town -= size;
        self.index += 1;
        let hh = self.household(index, town_name, village_name, size, plant);
        let claims = self.make_claims(index, &hh, plant);
        if plant.is_none()
            && let Some(m) = hh
                .members
                .iter()
                .rev()
                .find(|m| m.counted_on(self.config.as_of))
        {
            if self.recent.len() >= 8 {
                self.recent.pop_front();
            }
            self.recent.push_back(m.clone());
        }
        Some((hh, claims))
    }

    /// Every claim of the county, in the order [`Synth::next_entry`] gives
    /// them (regenerating the households on the way).
    pub fn claims(self) -> impl Iterator<Item = Claim> {
        let mut s = self;
        std::iter::from_fn(move || s.next_entry().map(|(_, c)| c)).flatten()
    }

    fn enter_town(&mut self, t: usize) {
        self.town = t;
        self.village = 0;
        match self.plan.get(t) {
            Some(town) => {
                self.households_left_in_town = town.households;
                self.persons_left_in_town = town.persons;
                self.left_in_village = town.villages.first().map_or(0, |v| v.households);
            }
            None => {
                // Past the last town: `next_entry` returns `None`.
                self.left_in_village = 1;
                self.households_left_in_town = 0;
            }
        }
    }

    /// A household size that keeps the town's person total reachable:
    /// between 1 and 8, near the mean of what is left.
    fn pick_size(&mut self, min: u64) -> u64 {
        const MAX: u64 = 8;
        let r = self.households_left_in_town.max(1);
        let q = self.persons_left_in_town;
        let lo = q.saturating_sub(MAX * (r - 1)).max(1);
        let hi = q.saturating_sub(r - 1).clamp(1, MAX);
        let base = q / r;
        let up = u64::from(self.dice.below(r) < q % r);
        let delta = self
            .dice
            .pick(&[(-2, 1), (-1, 3), (0, 4), (1, 3), (2, 1)], 0);
        let s = i64::try_from(base + up).unwrap_or(1) + delta;
        let s = u64::try_from(s.max(1)).unwrap_or(1);
        let lo = lo.max(min).min(hi);
        s.clamp(lo, hi)
    }

    fn member_id(&mut self) -> String {
        let id = format!("P{:08}", self.next_member);
        self.next_member += 1;
        id
    }

    /// An identity number: region, birth date, a sequence code unique per
    /// (birth date, sex) up to 500 people, the sex digit, the check digit.
    fn id_number(&mut self, birth: NaiveDate, male: bool) -> String {
        let count = self.id_sequence.entry((birth, male)).or_insert(0);
        let start = u64::try_from(birth.num_days_from_ce()).unwrap_or(0) * 37 % 499;
        let k = (start + *count) % 499;
        *count += 1;
        let seq = if male { 2 * k + 1 } else { 2 * k + 2 };
        let first17 = format!("{REGION_CODE}{}{seq:03}", birth.format("%Y%m%d"));
        let check = check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }

    fn name(&mut self, surname: &str, male: bool) -> String {
        let given = if male { GIVEN_MALE } else { GIVEN_FEMALE };
        let n = u64::try_from(given.len()).unwrap_or(1);
        let mut out = surname.to_owned();
        let chars = if self.dice.chance(700) { 2 } else { 1 };
        for _ in 0..chars {
            let i = usize::try_from(self.dice.below(n)).unwrap_or(0);
            out.push_str(given.get(i).copied().unwrap_or("明"));
        }
        out
    }

    fn surname(&mut self) -> &'static str {
        self.dice.pick(SURNAMES, "马")
    }

    /// A birth date on which a person is exactly `age` on `as_of`
    /// (`exact`: the birthday is `as_of` itself).
    fn birth_for_age(&mut self, age: i32, exact: bool) -> NaiveDate {
        let as_of = self.config.as_of;
        let y = as_of.year();
        let upper = with_year(as_of, y - age);
        if exact {
            return upper;
        }
        let lower = add_days(with_year(as_of, y - age - 1), 1);
        let b = self.dice.date(lower, upper);
        if crate::date::age_on(b, as_of) == age {
            b
        } else {
            upper
        }
    }

    /// A person of `age` with attributes drawn for that age.
    fn person(
        &mut self,
        relation: Relation,
        age: i32,
        male: bool,
        surname: &str,
        exact: bool,
    ) -> Member {
        let birth = self.birth_for_age(age, exact);
        let sex = if male { Sex::Male } else { Sex::Female };
        let mut m = Member::new(self.member_id(), sex, birth);
        m.relation = relation;
        m.id_number = Some(IdNumber::new(self.id_number(birth, male)));
        m.name = PersonName::new(self.name(surname, male));
        let d = &mut self.dice;
        (m.schooling, m.boarding) = match age {
            3..=5 if d.chance(850) => (Schooling::Preschool, false),
            6..=11 => (Schooling::Primary, d.chance(150)),
            12..=14 => (Schooling::Junior, d.chance(400)),
            15 => {
                if d.chance(400) {
                    (Schooling::Junior, d.chance(400))
                } else {
                    (Schooling::Senior, false)
                }
            }
            16..=18 => (
                d.pick(
                    &[
                        (Schooling::Senior, 55),
                        (Schooling::Vocational, 25),
                        (Schooling::None, 20),
                    ],
                    Schooling::None,
                ),
                false,
            ),
            19..=22 => (
                d.pick(
                    &[
                        (Schooling::College, 35),
                        (Schooling::Vocational, 10),
                        (Schooling::None, 55),
                    ],
                    Schooling::None,
                ),
                false,
            ),
            _ => (Schooling::None, false),
        };
        let weights: [(Health, u64); 4] = match age {
            0..=44 => [
                (Health::Healthy, 930),
                (Health::Chronic, 30),
                (Health::SeriousIllness, 10),
                (Health::Disabled, 30),
            ],
            45..=64 => [
                (Health::Healthy, 700),
                (Health::Chronic, 200),
                (Health::SeriousIllness, 40),
                (Health::Disabled, 60),
            ],
            _ => [
                (Health::Healthy, 450),
                (Health::Chronic, 400),
                (Health::SeriousIllness, 70),
                (Health::Disabled, 80),
            ],
        };
        m.health = d.pick(&weights, Health::Healthy);
        if m.health == Health::Disabled {
            m.disability_grade = u8::try_from(d.range(1, 4)).ok();
        }
        m.labor = if age < 16
            || m.health == Health::SeriousIllness
            || m.disability_grade.is_some_and(|g| g <= 2)
        {
            Labor::None
        } else if m.health != Health::Healthy {
            Labor::Weak
        } else if age >= 65 {
            if d.chance(600) {
                Labor::Weak
            } else {
                Labor::None
            }
        } else if d.chance(300) {
            Labor::Skilled
        } else {
            Labor::Normal
        };
        m.veteran = male && age >= 45 && d.chance(8);
        m
    }

    /// The members counted on `as_of` (`size` of them), head first.
    fn compose(&mut self, size: u64, head: HeadSpec) -> (Vec<Member>, &'static str) {
        let surname = self.surname();
        let head_age = head.age.unwrap_or_else(|| {
            let (lo, hi) = if size == 1 { (40, 92) } else { (24, 75) };
            i32::try_from(self.dice.range(lo, hi)).unwrap_or(50)
        });
        let head_male = head.male.unwrap_or_else(|| self.dice.chance(850));
        let mut members = vec![self.person(
            Relation::Head,
            head_age,
            head_male,
            surname,
            head.birthday_on_as_of,
        )];
        let size = usize::try_from(size).unwrap_or(1);
        if size >= 2 && self.dice.chance(880) {
            let age = i32::try_from(self.dice.range(-6, 4)).unwrap_or(0) + head_age;
            let other = self.surname();
            let spouse = self.person(
                Relation::Spouse,
                age.clamp(18, 98),
                !head_male,
                other,
                false,
            );
            members.push(spouse);
        }
        let h = i64::from(head_age);
        while members.len() < size {
            let relation = if head_age < 50 {
                self.dice.pick(
                    &[
                        (Relation::Child, 78),
                        (Relation::Parent, 17),
                        (Relation::Sibling, 5),
                    ],
                    Relation::Child,
                )
            } else if head_age < 65 {
                self.dice.pick(
                    &[
                        (Relation::Child, 60),
                        (Relation::Grandchild, 30),
                        (Relation::Parent, 5),
                        (Relation::Other, 5),
                    ],
                    Relation::Child,
                )
            } else {
                self.dice.pick(
                    &[
                        (Relation::Child, 45),
                        (Relation::Grandchild, 50),
                        (Relation::Other, 5),
                    ],
                    Relation::Child,
                )
            };
            let d = &mut self.dice;
            let age = match relation {
                Relation::Child => d.range(0, (h - 18).clamp(0, 40)),
                Relation::Grandchild => d.range(0, (h - 38).clamp(0, 20)),
                Relation::Parent => d.range(h + 20, (h + 35).min(98)),
                Relation::Sibling => d.range((h - 10).max(0), h + 10),
                _ => d.range(5, 70),
            };
            let male = d.chance(510);
            let own = match relation {
                Relation::Child | Relation::Grandchild | Relation::Sibling => surname,
                Relation::Parent if male => surname,
                _ => self.surname(),
            };
            let age = i32::try_from(age).unwrap_or(30).min(98);
            let m = self.person(relation, age, male, own, false);
            members.push(m);
        }
        (members, surname)
    }

    fn household(
        &mut self,
        index: u64,
        town: &str,
        village: &str,
        size: u64,
        plant: Option<Plant>,
    ) -> Household {
        let as_of = self.config.as_of;
        let y = as_of.year();
        let mut status = plant.and_then(Plant::status).unwrap_or_else(|| {
            self.dice.pick(
                &[
                    (Status::Poor, 200),
                    (Status::Returned, 12),
                    (Status::Unregistered, 40),
                    (Status::Exited, 748),
                ],
                Status::Exited,
            )
        });
        if plant.is_some_and(Plant::needs_registered) && status == Status::Unregistered {
            status = Status::Exited;
        }

        // Members.
        let head = match plant {
            Some(Plant::ElderlyHead(age)) => HeadSpec {
                age: Some(age),
                birthday_on_as_of: true,
                male: None,
            },
            Some(Plant::Veteran60) => HeadSpec {
                age: Some(60),
                birthday_on_as_of: true,
                male: Some(true),
            },
            _ => HeadSpec::default(),
        };
        let (mut members, surname) = self.compose(size, head);
        if plant == Some(Plant::Veteran60)
            && let Some(h) = members.first_mut()
        {
            h.veteran = true;
        }
        if let Some(Plant::ElderlyHead(_)) = plant {
            for m in &mut members {
                if m.labor != Labor::None {
                    m.labor = Labor::Weak;
                }
            }
        }

        // Attribute and dibao coverage.
        let attribute = if plant == Some(Plant::DibaoTekun)
            || (status.is_registered()
                && match size {
                    1 => self.dice.chance(400),
                    2 => self.dice.chance(120),
                    _ => false,
                }) {
            Attribute::Tekun
        } else if plant.is_some_and(Plant::dibao_member)
            || (status.is_registered() && self.dice.chance(240))
        {
            Attribute::Dibao
        } else {
            Attribute::General
        };
        let negative = plant == Some(Plant::NegativeIncome);
        let mut flagged = 0usize;
        let flag_count = if negative {
            0
        } else if plant.is_some_and(Plant::dibao_member) {
            1
        } else if attribute == Attribute::Dibao {
            self.dice.pick(&[(1, 65), (2, 25), (0, 10)], 1)
        } else if status == Status::Unregistered && self.dice.chance(150) {
            1
        } else {
            0
        };
        let n_members = u64::try_from(members.len()).unwrap_or(1);
        while flagged < flag_count.min(members.len()) {
            let i = usize::try_from(self.dice.below(n_members)).unwrap_or(0);
            if let Some(m) = members.get_mut(i)
                && !m.dibao
            {
                m.dibao = true;
                flagged += 1;
            }
        }
        let dibao_household = !negative && (flagged > 0 || attribute == Attribute::Dibao);
        let n = i64::try_from(size).unwrap_or(1);
        let covered = if flagged > 0 {
            i64::try_from(flagged).unwrap_or(1)
        } else {
            n
        };

        // Income: a per-capita target in fen, then components that add up
        // to it exactly.
        let d = &mut self.dice;
        let (net_excl, dibao_received) = if dibao_household {
            let pci_excl = match plant {
                Some(Plant::DibaoAtStandard) => DIBAO_STANDARD,
                Some(Plant::DibaoAboveStandard) => d.range(DIBAO_STANDARD + 1, 520_000),
                Some(Plant::DibaoJustBelow) => DIBAO_STANDARD - 1,
                _ => match status {
                    Status::Poor => d.range(250_000, DIBAO_STANDARD - 1),
                    Status::Exited => d.range(LINE + 10_000, DIBAO_STANDARD - 1),
                    Status::Returned => d.range(200_000, DIBAO_STANDARD - 1),
                    Status::Unregistered => d.range(300_000, DIBAO_STANDARD - 1),
                },
            };
            let received = if pci_excl < DIBAO_STANDARD {
                (DIBAO_STANDARD - pci_excl) * covered
            } else {
                120_000 * covered
            };
            (pci_excl * n, received)
        } else {
            let pci = match plant {
                Some(Plant::ExitedAtLine) => LINE,
                Some(Plant::ExitedBelowLine) => d.range(300_000, LINE - 1),
                Some(Plant::PoorAt(x) | Plant::ExitedAt(x)) => x,
                Some(Plant::Marginal) => d.range(450_000, MONITORING - 1),
                Some(Plant::UnregisteredPlain) => d.range(700_000, 1_200_000),
                Some(Plant::RigidExpenses | Plant::IncomeDrop) => d.range(MONITORING, 900_000),
                _ => match status {
                    Status::Poor => {
                        let r = d.below(1000);
                        if r < 20 {
                            LINE
                        } else if r < 40 {
                            LINE + 1
                        } else if r < 790 {
                            d.range(LINE + 1, 650_000)
                        } else {
                            d.range(250_000, LINE - 1)
                        }
                    }
                    Status::Exited => {
                        let r = d.below(1000);
                        if r < 20 {
                            MONITORING
                        } else if r < 100 {
                            d.range(LINE + 1, MONITORING - 1)
                        } else {
                            d.range(MONITORING, 1_500_000)
                        }
                    }
                    Status::Returned => d.range(200_000, 450_000),
                    Status::Unregistered => d.range(LINE, 1_000_000),
                },
            };
            (pci * n, 0)
        };
        let tekun = attribute == Attribute::Tekun;
        let mut income = if negative {
            Income {
                operating: fen(500_000),
                operating_cost: fen(900_000 + 10_000 * n),
                transfer: fen(150_000),
                ..Income::default()
            }
        } else {
            split_income(d, net_excl, dibao_received, tekun)
        };
        if d.chance(80) {
            income.one_off_transfer = fen(d.range(50_000, 300_000));
        }
        let net = if negative {
            -250_000 - 10_000 * n
        } else {
            net_excl + dibao_received
        };
        let last_year_income = if plant == Some(Plant::IncomeDrop) {
            Some(split_income(d, 2 * net_excl, 2 * dibao_received, tekun))
        } else if !negative && d.chance(600) {
            let pct = d.range(85, 115);
            Some(split_income(d, net_excl * pct / 100, dibao_received, tekun))
        } else {
            None
        };
        let rigid_expenses = if plant == Some(Plant::RigidExpenses) {
            fen(net + d.range(100, 500_000))
        } else if net / 2 >= 100_000 && d.chance(100) {
            fen(d.range(100_000, net / 2))
        } else {
            Money::ZERO
        };

        // Dates and the exit procedure.
        let (identified_on, exited_on, returned_on, exit_steps) =
            self.dates(status, plant, &members);

        // Causes.
        let mut causes = Vec::new();
        if status.is_registered() {
            let d = &mut self.dice;
            let main = match plant {
                Some(Plant::IllnessAllHealthy) => Cause::Illness,
                Some(Plant::NegativeIncome) => Cause::Disaster,
                _ => d.pick(CAUSES, Cause::Other),
            };
            causes.push(main);
            let extra = d.pick(&[(0, 50), (1, 35), (2, 15)], 0);
            while causes.len() < 1 + extra {
                let c = d.pick(CAUSES, Cause::Other);
                if !causes.contains(&c) {
                    causes.push(c);
                }
            }
        }
        let as_of_counted = |m: &Member| m.counted_on(as_of);
        match causes.first() {
            Some(Cause::Illness)
                if members
                    .iter()
                    .filter(|m| as_of_counted(m))
                    .all(|m| m.health == Health::Healthy) =>
            {
                if let Some(m) = members
                    .iter_mut()
                    .max_by_key(|m| std::cmp::Reverse(m.birth_date))
                {
                    m.health = Health::Chronic;
                    if m.labor != Labor::None {
                        m.labor = Labor::Weak;
                    }
                }
            }
            Some(Cause::Disability) if members.iter().all(|m| m.health != Health::Disabled) => {
                let grade = u8::try_from(self.dice.range(2, 4)).ok();
                if let Some(m) = members.iter_mut().min_by_key(|m| m.birth_date) {
                    m.health = Health::Disabled;
                    m.disability_grade = grade;
                    if m.labor != Labor::None {
                        m.labor = Labor::Weak;
                    }
                }
            }
            _ => {}
        }
        if plant == Some(Plant::IllnessAllHealthy) {
            for m in &mut members {
                m.health = Health::Healthy;
                m.disability_grade = None;
            }
        }

        // Guarantees and assets.
        let d = &mut self.dice;
        let relocated = status.is_registered() && d.chance(80);
        let mut guarantees = Guarantees {
            housing: if relocated {
                Housing::Relocated
            } else {
                Housing::Safe
            },
            ..Guarantees::default()
        };
        match plant {
            Some(Plant::Food) => guarantees.food = false,
            Some(Plant::Clothing) => guarantees.clothing = false,
            Some(Plant::HousingUnsafe) => guarantees.housing = Housing::Unsafe,
            Some(Plant::Water) => guarantees.drinking_water = false,
            _ => {}
        }
        let mut assets = Assets::default();
        if d.chance(300) {
            assets.deposits = fen(d.range(10_000, 300_000) * n);
        }
        if status == Status::Unregistered && d.chance(100) {
            assets.car = true;
        }
        match plant {
            Some(Plant::Excluded(reason)) => match reason {
                ExclusionReason::Car => assets.car = true,
                ExclusionReason::CommercialHousing => assets.commercial_housing = true,
                ExclusionReason::Business => assets.business = true,
                ExclusionReason::PublicEmployee => assets.public_employee = true,
                ExclusionReason::Deposits => assets.deposits = fen(1_000_000 * n + 1),
            },
            Some(Plant::DepositsAtLimit) => assets.deposits = fen(1_000_000 * n),
            Some(Plant::DibaoDepositsAbove) => assets.deposits = fen(912_000 * n + 1),
            _ => {}
        }

        // Credit.
        let credit = match plant {
            Some(Plant::CreditLimit) => Some(Credit {
                rating: CreditRating::Excellent,
                outstanding: fen(5_000_000),
            }),
            Some(Plant::Marginal) => Some(Credit {
                rating: CreditRating::Good,
                outstanding: Money::ZERO,
            }),
            Some(Plant::ElderlyHead(_)) => None,
            _ if status.is_registered() && d.chance(700) => {
                let rating = d.pick(
                    &[
                        (CreditRating::Excellent, 40),
                        (CreditRating::Good, 35),
                        (CreditRating::Fair, 15),
                        (CreditRating::None, 10),
                    ],
                    CreditRating::None,
                );
                let line: i64 = match rating {
                    CreditRating::Excellent => 5_000_000,
                    CreditRating::Good => 3_000_000,
                    CreditRating::Fair => 1_000_000,
                    CreditRating::None => 0,
                };
                let outstanding = match d.below(100) {
                    0..=34 => 0,
                    35..=64 => line,
                    _ => line * d.range(1, 4) / 5,
                };
                Some(Credit {
                    rating,
                    outstanding: fen(outstanding),
                })
            }
            _ if d.chance(200) => Some(Credit {
                rating: d.pick(
                    &[(CreditRating::Good, 1), (CreditRating::Fair, 1)],
                    CreditRating::Fair,
                ),
                outstanding: Money::ZERO,
            }),
            _ => None,
        };

        self.plant_members(plant, &mut members, surname);

        // Extra, non-counted members: died or moved out before `as_of`.
        if self.dice.chance(40) {
            let deceased = self.dice.chance(500);
            let (relation, age) = if deceased {
                (Relation::Parent, self.dice.range(70, 95))
            } else {
                (Relation::Child, self.dice.range(18, 30))
            };
            let male = self.dice.chance(500);
            let age = i32::try_from(age).unwrap_or(70);
            let mut m = self.person(relation, age, male, surname, false);
            let when = self.dice.date(jan1(y - 2), as_of);
            if deceased {
                m.deceased_on = Some(when);
            } else {
                m.moved_out_on = Some(when);
            }
            members.push(m);
        }

        Household {
            id: format!("H{:07}", index + 1).into(),
            town: town.to_owned().into(),
            village: village.to_owned().into(),
            attribute,
            status,
            identified_on,
            exited_on,
            returned_on,
            causes,
            relocated,
            exit_steps,
            income,
            last_year_income,
            rigid_expenses,
            guarantees,
            assets,
            credit,
            members,
        }
    }

    /// Identification, exit and return dates and the exit procedure's steps.
    #[allow(clippy::type_complexity)]
    fn dates(
        &mut self,
        status: Status,
        plant: Option<Plant>,
        members: &[Member],
    ) -> (
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Vec<ExitStep>,
    ) {
        let as_of = self.config.as_of;
        let y = as_of.year();
        let d = &mut self.dice;
        let in_year = |d: &mut Dice, year: i32| {
            let end = if year >= y {
                as_of
            } else {
                add_days(jan1(year + 1), -1)
            };
            d.date(jan1(year), end)
        };
        let identified_year = |d: &mut Dice, latest: i32| {
            let year = d.pick(
                &[
                    (2014, 55),
                    (2015, 12),
                    (2016, 8),
                    (2017, 8),
                    (2018, 7),
                    (2019, 6),
                    (2020, 4),
                ],
                2014,
            );
            year.min(latest).min(y)
        };
        let _ = members;
        match status {
            Status::Unregistered => (None, None, None, Vec::new()),
            Status::Poor => {
                let identified = match plant {
                    Some(Plant::NewThisYear) => in_year(d, y),
                    Some(Plant::IdentifiedLater) => add_days(as_of, d.range(10, 60)),
                    _ => {
                        let year = identified_year(d, y);
                        in_year(d, year)
                    }
                };
                let mut steps = Vec::new();
                if plant.is_none() && d.chance(450) {
                    // A procedure under way this year.
                    let count = usize::try_from(d.range(1, 5)).unwrap_or(1);
                    let mut on = d.date(jan1(y), add_days(as_of, -120));
                    for kind in ExitStepKind::ALL.iter().take(count) {
                        steps.push(ExitStep { step: *kind, on });
                        let gap = if *kind == ExitStepKind::Publicized {
                            d.range(7, 15)
                        } else {
                            d.range(2, 10)
                        };
                        on = add_days(on, gap);
                    }
                }
                (Some(identified), None, None, steps)
            }
            Status::Returned => {
                let year = identified_year(d, y - 3);
                let identified = in_year(d, year);
                let returned_year = if plant == Some(Plant::ReturnedThisYear) || d.chance(500) {
                    y
                } else {
                    y - 1
                };
                let returned = in_year(d, returned_year);
                let returned = (plant != Some(Plant::ReturnedWithoutDate)).then_some(returned);
                (Some(identified), None, returned, Vec::new())
            }
            Status::Exited => {
                let exit_year = d.pick(
                    &[
                        (2015, 8),
                        (2016, 12),
                        (2017, 18),
                        (2018, 25),
                        (2019, 22),
                        (2020, 15),
                    ],
                    2018,
                );
                let exit_year = exit_year.min(y);
                let year = identified_year(d, exit_year - 1);
                let identified = in_year(d, year);
                let mut exited = in_year(d, exit_year).max(add_days(identified, 60));
                if plant == Some(Plant::ExitedLater) {
                    exited = add_days(as_of, d.range(5, 30));
                }
                // Steps back from 销号.
                let announced = add_days(exited, -d.range(0, 3));
                let publicity = match plant {
                    Some(Plant::PublicityShort(days)) => days,
                    _ => d.range(7, 15),
                };
                let publicized = add_days(announced, -publicity);
                let agreed = add_days(publicized, -d.range(1, 5));
                let verified = add_days(agreed, -d.range(2, 10));
                let proposed = add_days(verified, -d.range(2, 10));
                let mut steps = vec![
                    ExitStep {
                        step: ExitStepKind::Proposed,
                        on: proposed,
                    },
                    ExitStep {
                        step: ExitStepKind::Verified,
                        on: verified,
                    },
                    ExitStep {
                        step: ExitStepKind::Agreed,
                        on: agreed,
                    },
                    ExitStep {
                        step: ExitStepKind::Publicized,
                        on: publicized,
                    },
                    ExitStep {
                        step: ExitStepKind::Announced,
                        on: announced,
                    },
                    ExitStep {
                        step: ExitStepKind::Deregistered,
                        on: exited,
                    },
                ];
                match plant {
                    Some(Plant::StepsMissingStart) => {
                        steps.retain(|s| s.step != ExitStepKind::Proposed);
                    }
                    Some(Plant::StepsMissingMiddle) => {
                        steps.retain(|s| s.step != ExitStepKind::Agreed);
                    }
                    Some(Plant::StepsBackwards) => {
                        for s in &mut steps {
                            if s.step == ExitStepKind::Verified {
                                s.on = add_days(proposed, -3);
                            }
                        }
                    }
                    _ => {}
                }
                let exited = (plant != Some(Plant::ExitedWithoutDate)).then_some(exited);
                (Some(identified), exited, None, steps)
            }
        }
    }

    /// The member-level planted cases.
    fn plant_members(&mut self, plant: Option<Plant>, members: &mut Vec<Member>, surname: &str) {
        let Some(plant) = plant else { return };
        let as_of = self.config.as_of;
        let y = as_of.year();
        match plant {
            Plant::IdChecksum => {
                if let Some(m) = members.first_mut()
                    && let Some(id) = &m.id_number
                {
                    let mut text = id.expose().to_owned();
                    let wrong = match text.pop() {
                        Some('0') => '1',
                        _ => '0',
                    };
                    text.push(wrong);
                    m.id_number = Some(IdNumber::new(text));
                }
            }
            Plant::IdBirth => {
                if let Some(m) = members.last_mut() {
                    let typo = add_days(m.birth_date, 1);
                    let id = self.id_number(typo, m.sex == Sex::Male);
                    m.id_number = Some(IdNumber::new(id));
                }
            }
            Plant::IdSex => {
                if let Some(m) = members.last_mut() {
                    let id = self.id_number(m.birth_date, m.sex != Sex::Male);
                    m.id_number = Some(IdNumber::new(id));
                }
            }
            Plant::DuplicatePerson => {
                if let (Some(src), Some(m)) = (self.recent.front(), members.get_mut(1)) {
                    m.id_number = src.id_number.clone();
                    m.name = src.name.clone();
                    m.sex = src.sex;
                    m.birth_date = src.birth_date;
                    m.schooling = src.schooling;
                    m.boarding = src.boarding;
                    m.health = src.health;
                    m.disability_grade = src.disability_grade;
                    m.labor = src.labor;
                    m.relation = Relation::Other;
                }
            }
            Plant::DuplicateId => {
                if let (Some(src), Some(m)) = (self.recent.back(), members.get_mut(1)) {
                    m.id = src.id.clone();
                }
            }
            Plant::NoHead => {
                if let Some(m) = members.first_mut() {
                    m.relation = Relation::Other;
                }
            }
            Plant::HeadDeceased => {
                if let Some(m) = members.first_mut() {
                    m.relation = Relation::Spouse;
                }
                let age = i32::try_from(self.dice.range(60, 85)).unwrap_or(70);
                let mut dead = self.person(Relation::Head, age, true, surname, false);
                dead.deceased_on = Some(self.dice.date(jan1(y), as_of));
                members.insert(0, dead);
            }
            Plant::SeveralHeads => {
                if let Some(m) = members.get_mut(1) {
                    m.relation = Relation::Head;
                }
            }
            Plant::DeceasedDibao => {
                let age = i32::try_from(self.dice.range(70, 92)).unwrap_or(80);
                let mut dead = self.person(Relation::Parent, age, false, surname, false);
                dead.deceased_on = Some(self.dice.date(jan1(y - 1), as_of));
                dead.dibao = true;
                members.push(dead);
            }
            Plant::Dropout | Plant::OutOfSchool | Plant::Exempt => {
                let age = i32::try_from(self.dice.range(6, 15)).unwrap_or(10);
                let male = self.dice.chance(500);
                let mut child = self.person(Relation::Child, age, male, surname, false);
                child.schooling = match plant {
                    Plant::Dropout => Schooling::Dropout,
                    Plant::OutOfSchool => Schooling::None,
                    _ => {
                        child.health = Health::Disabled;
                        child.disability_grade = Some(1);
                        Schooling::Exempt
                    }
                };
                child.boarding = false;
                child.labor = Labor::None;
                replace_second(members, child);
            }
            Plant::Uninsured => {
                if let Some(m) = members.first_mut() {
                    m.medical_insurance = false;
                }
            }
            Plant::UninsuredNewborn => {
                let male = self.dice.chance(500);
                let mut baby = self.person(Relation::Grandchild, 0, male, surname, false);
                let born = self.dice.date(jan1(y), as_of);
                baby.birth_date = born;
                baby.id_number = Some(IdNumber::new(self.id_number(born, male)));
                baby.medical_insurance = false;
                baby.schooling = Schooling::None;
                replace_second(members, baby);
            }
            _ => {}
        }
    }

    /// Hospital stays of the household's members, in admission order.
    fn make_claims(&mut self, index: u64, hh: &Household, plant: Option<Plant>) -> Vec<Claim> {
        if plant == Some(Plant::DuplicateId) {
            return Vec::new();
        }
        let as_of = self.config.as_of;
        let y = as_of.year();
        let cutoff = jan1(y - 1);
        let candidates: Vec<&Member> = hh
            .members
            .iter()
            .filter(|m| m.counted_on(as_of) && m.birth_date < cutoff)
            .collect();
        let ill: Vec<&Member> = candidates
            .iter()
            .copied()
            .filter(|m| m.health != Health::Healthy)
            .collect();
        let registered = hh.status.is_registered();
        let illness_household = hh.causes.first() == Some(&Cause::Illness);
        let d = &mut self.claim_dice;
        let choose = |d: &mut Dice, from: &[&Member]| -> Option<Member> {
            let n = u64::try_from(from.len()).ok()?;
            from.get(usize::try_from(d.below(n)).ok()?)
                .map(|m| (*m).clone())
        };
        // (person, admitted_on, level, total fen, in-policy percent,
        //  registered_poor, backstop_eligible, major_illness)
        let mut stays: Vec<Stay> = Vec::new();
        let this_year = |d: &mut Dice| d.date(jan1(y), as_of);
        let last_year = |d: &mut Dice| d.date(jan1(y - 1), add_days(jan1(y), -1));
        if index % 11 == 5 {
            let variant = (index / 11) % 6;
            let person = if ill.is_empty() {
                choose(d, &candidates)
            } else {
                choose(d, &ill)
            };
            if let Some(p) = person {
                let base = Stay {
                    person: p.id.to_string(),
                    admitted_on: this_year(d),
                    level: HospitalLevel::Provincial,
                    total: 0,
                    in_policy_pct: d.range(80, 95),
                    registered_poor: registered,
                    backstop_eligible: true,
                    major_illness: true,
                };
                match variant {
                    0 => stays.push(Stay {
                        total: d.range(60_000_000, 90_000_000),
                        ..base
                    }),
                    1 => stays.push(Stay {
                        level: HospitalLevel::OutOfRegion,
                        total: d.range(30_000_000, 50_000_000),
                        ..base
                    }),
                    2 => stays.push(Stay {
                        level: HospitalLevel::City,
                        total: d.range(8_000_000, 15_000_000),
                        registered_poor: false,
                        ..base
                    }),
                    3 => stays.push(Stay {
                        level: HospitalLevel::County,
                        total: d.range(15_000_000, 25_000_000),
                        backstop_eligible: false,
                        major_illness: false,
                        ..base
                    }),
                    4 => {
                        stays.push(Stay {
                            level: HospitalLevel::City,
                            admitted_on: last_year(d),
                            total: d.range(6_000_000, 12_000_000),
                            ..base.clone()
                        });
                        stays.push(Stay {
                            level: HospitalLevel::City,
                            total: d.range(6_000_000, 12_000_000),
                            ..base
                        });
                    }
                    _ => {
                        for _ in 0..3 {
                            stays.push(Stay {
                                admitted_on: this_year(d),
                                total: d.range(10_000_000, 20_000_000),
                                ..base.clone()
                            });
                        }
                    }
                }
            }
        } else if d.chance(110) {
            let k = d.pick(&[(1, 60), (2, 30), (3, 10)], 1);
            for _ in 0..k {
                let person = if !ill.is_empty() && d.chance(700) {
                    choose(d, &ill)
                } else {
                    choose(d, &candidates)
                };
                let Some(p) = person else { break };
                let level = d.pick(
                    &[
                        (HospitalLevel::Township, 25),
                        (HospitalLevel::County, 40),
                        (HospitalLevel::City, 15),
                        (HospitalLevel::Provincial, 12),
                        (HospitalLevel::OutOfRegion, 8),
                    ],
                    HospitalLevel::County,
                );
                let (lo, hi) = match level {
                    HospitalLevel::Township => (50_000, 400_000),
                    HospitalLevel::County => (200_000, 3_000_000),
                    HospitalLevel::City => (800_000, 8_000_000),
                    HospitalLevel::Provincial => (2_000_000, 20_000_000),
                    HospitalLevel::OutOfRegion => (3_000_000, 30_000_000),
                };
                let sick = p.health != Health::Healthy;
                stays.push(Stay {
                    person: p.id.to_string(),
                    admitted_on: if d.chance(60) {
                        last_year(d)
                    } else {
                        this_year(d)
                    },
                    level,
                    total: d.range(lo, hi),
                    in_policy_pct: d.range(65, 95),
                    registered_poor: registered,
                    backstop_eligible: if illness_household || sick {
                        d.chance(850)
                    } else {
                        d.chance(400)
                    },
                    major_illness: (p.health == Health::SeriousIllness && d.chance(700))
                        || d.chance(20),
                });
            }
        }
        stays.sort_by_key(|s| s.admitted_on);
        stays
            .into_iter()
            .map(|s| {
                let id = format!("C{:08}", self.next_claim);
                self.next_claim += 1;
                Claim {
                    id,
                    person_id: s.person,
                    admitted_on: s.admitted_on,
                    hospital_level: s.level,
                    total_cost: fen(s.total),
                    in_policy_cost: fen(s.total * s.in_policy_pct / 100),
                    registered_poor: s.registered_poor,
                    backstop_eligible: s.backstop_eligible,
                    major_illness: s.major_illness,
                }
            })
            .collect()
    }
}

impl Iterator for Synth {
    type Item = Household;

    fn next(&mut self) -> Option<Household> {
        self.next_entry().map(|(h, _)| h)
    }
}

/// A hospital stay before it becomes a claim.
#[derive(Clone)]
struct Stay {
    person: String,
    admitted_on: NaiveDate,
    level: HospitalLevel,
    total: i64,
    in_policy_pct: i64,
    registered_poor: bool,
    backstop_eligible: bool,
    major_illness: bool,
}

/// Puts `m` in the second place, keeping that place's member id (a
/// one-person household is left as it is: its size is fixed).
fn replace_second(members: &mut [Member], mut m: Member) {
    if let Some(slot) = members.get_mut(1) {
        m.id = slot.id.clone();
        *slot = m;
    }
}

/// Splits a net income (excluding dibao) of `net` fen into components that
/// add up to it exactly, plus `dibao` fen of dibao received.
fn split_income(d: &mut Dice, net: i64, dibao: i64, tekun: bool) -> Income {
    let net = net.max(0);
    let transfer = if tekun {
        net * d.range(40, 70) / 100
    } else {
        net * d.range(5, 25) / 100
    };
    let property = net * d.range(0, 4) / 100;
    let operating = net * d.range(0, 50) / 100;
    let mut cost = operating * d.range(20, 60) / 100;
    let mut wage = net - transfer - property - (operating - cost);
    if wage < 0 {
        // Transfers and property took more than the net: the rest of the
        // gap is operating cost, so every amount stays ≥ 0 and the sum holds.
        cost -= wage;
        wage = 0;
    }
    Income {
        wage: fen(wage),
        operating: fen(operating),
        operating_cost: fen(cost),
        property: fen(property),
        transfer: fen(transfer),
        dibao: fen(dibao),
        one_off_transfer: Money::ZERO,
        year: None,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn split_income_never_makes_a_negative_amount_and_adds_up() {
        // Found at 200 000 households: transfers + property + net operating
        // income could exceed the net, leaving a negative wage.
        let mut d = Dice(ChaCha8Rng::from_seed(chacha_seed(7)));
        for i in 0..20_000i64 {
            let net = (i * 7919) % 2_000_000;
            let dibao = i % 3 * 1000;
            let inc = split_income(&mut d, net, dibao, i % 2 == 0);
            let parts = [
                inc.wage,
                inc.operating,
                inc.operating_cost,
                inc.property,
                inc.transfer,
            ];
            assert!(parts.iter().all(|m| !m.is_negative()), "{inc:?}");
            let sum = inc.wage.as_decimal() + inc.operating.as_decimal()
                - inc.operating_cost.as_decimal()
                + inc.property.as_decimal()
                + inc.transfer.as_decimal();
            assert_eq!(sum * Decimal::from(100), Decimal::from(net), "{inc:?}");
        }
    }

    #[test]
    fn apportionment_is_exact_and_keeps_the_seed_figures() {
        let plan = county_plan(DEFAULT_HOUSEHOLDS);
        let got: Vec<(u64, u64)> = plan.iter().map(|t| (t.households, t.persons)).collect();
        assert_eq!(
            got,
            [(1199, 5745), (120, 566), (149, 706), (145, 676), (49, 112)]
        );
        assert_eq!(plan[0].villages[0].population, 8273);
        for n in [0, 1, 7, 100, 1661, 1663, 1_000_000] {
            let plan = county_plan(n);
            assert_eq!(plan.iter().map(|t| t.households).sum::<u64>(), n);
            for t in &plan {
                assert_eq!(
                    t.villages.iter().map(|v| v.households).sum::<u64>(),
                    t.households
                );
                assert!(t.persons >= t.households && t.persons <= 8 * t.households);
            }
        }
    }

    #[test]
    fn the_seed_is_the_u64_then_a_fixed_tag() {
        let s = chacha_seed(0x0102_0304_0506_0708);
        assert_eq!(s[..8], [8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&s[8..30], b"fupin-synth/ChaCha8/v1");
        assert_eq!(s[30..], [0, 0]);
    }

    #[test]
    fn dice_are_in_range() {
        let mut d = Dice(ChaCha8Rng::from_seed(chacha_seed(1)));
        for _ in 0..1000 {
            let x = d.range(-3, 3);
            assert!((-3..=3).contains(&x));
            assert!(d.below(7) < 7);
        }
        assert_eq!(d.range(5, 5), 5);
        assert_eq!(d.below(0), 0);
    }

    #[test]
    fn ages_are_exact() {
        let mut s = Synth::new(SynthConfig::default());
        for age in [0, 6, 15, 16, 60, 65, 75, 80] {
            for exact in [false, true] {
                let b = s.birth_for_age(age, exact);
                assert_eq!(crate::date::age_on(b, s.config.as_of), age);
            }
        }
    }
}
