//! The registry tables of interfaces.md §4.1: a household table and a member
//! table whose columns are the JSON fields of §2, nested objects flattened
//! with `_` (`income_wage`, `guarantees_housing`, `assets_car`), the member
//! table starting with `household_id`.
//!
//! Each table is one list of columns ([`HouseholdColumn`], [`MemberColumn`]):
//! the English header, the Chinese header staff see in exports (where §4.1
//! names one) and how the cell is written. Writers use [`household_row`] and
//! [`member_rows`]; a reader matches on the same enums, so the column layout
//! lives in one place.
//!
//! Cells: enums as their wire strings, money with two decimals, dates ISO,
//! booleans `true`/`false`, `causes` `;`-separated, `exit_steps` as
//! `step:date;…`. An absent optional value is an empty cell. A present
//! `last_year_income` writes every one of its money cells (so it is present
//! when read back), and a present `credit` writes its rating.

use chrono::NaiveDate;

use crate::enums::WireEnum;
use crate::money::Money;
use crate::record::{Household, Income, Member};
use crate::stats::VillageRow;

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn boolean(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

fn money(m: Money) -> String {
    m.to_string()
}

fn last_year(h: &Household, f: fn(&Income) -> String) -> String {
    h.last_year_income.as_ref().map(f).unwrap_or_default()
}

fn year(i: &Income) -> String {
    i.year.map(|y| y.to_string()).unwrap_or_default()
}

/// `;`-separated `step:date` items, in the record's order.
pub fn exit_steps_cell(h: &Household) -> String {
    let items: Vec<String> = h
        .exit_steps
        .iter()
        .map(|s| format!("{}:{}", s.step, s.on))
        .collect();
    items.join(";")
}

/// `;`-separated causes, main cause first.
pub fn causes_cell(h: &Household) -> String {
    let items: Vec<&str> = h.causes.iter().map(|c| c.as_str()).collect();
    items.join(";")
}

macro_rules! columns {
    (
        $(#[$doc:meta])*
        $name:ident for $rec:ty as $r:ident {
            $( $(#[$vdoc:meta])* $variant:ident = $header:literal, $zh:expr, $cell:expr; )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every column, in table order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The English header: the JSON field, flattened with `_`.
            pub fn header(self) -> &'static str {
                match self { $($name::$variant => $header),+ }
            }

            /// The Chinese header of interfaces.md §4.1, where it names one.
            pub fn zh_header(self) -> Option<&'static str> {
                match self { $($name::$variant => $zh),+ }
            }

            /// The column whose English or Chinese header is `h`.
            pub fn from_header(h: &str) -> Option<$name> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.header() == h || c.zh_header() == Some(h))
            }

            /// The cell of this column for one record.
            pub fn cell(self, $r: $rec) -> String {
                match self { $($name::$variant => $cell),+ }
            }
        }
    };
}

columns!(
    /// A column of the household table (interfaces.md §4.1), in order.
    HouseholdColumn for &Household as h {
        /// `id` (户编号).
        Id = "id", Some("户编号"), h.id.to_string();
        /// `town` (乡镇).
        Town = "town", Some("乡镇"), h.town.to_string();
        /// `village` (行政村).
        Village = "village", Some("行政村"), h.village.to_string();
        /// `attribute` (贫困户属性).
        Attribute = "attribute", Some("贫困户属性"), h.attribute.as_str().to_owned();
        /// `status` (脱贫属性).
        Status = "status", Some("脱贫属性"), h.status.as_str().to_owned();
        /// `identified_on` (识别时间).
        IdentifiedOn = "identified_on", Some("识别时间"), date(h.identified_on);
        /// `exited_on`.
        ExitedOn = "exited_on", None, date(h.exited_on);
        /// `returned_on`.
        ReturnedOn = "returned_on", None, date(h.returned_on);
        /// `causes` (致贫原因), `;`-separated.
        Causes = "causes", Some("致贫原因"), causes_cell(h);
        /// `relocated`.
        Relocated = "relocated", None, boolean(h.relocated);
        /// `exit_steps`, `step:date;…`.
        ExitSteps = "exit_steps", None, exit_steps_cell(h);
        /// `income.wage` (工资性收入).
        IncomeWage = "income_wage", Some("工资性收入"), money(h.income.wage);
        /// `income.operating` (生产经营性收入).
        IncomeOperating = "income_operating", Some("生产经营性收入"), money(h.income.operating);
        /// `income.operating_cost` (生产经营性支出).
        IncomeOperatingCost = "income_operating_cost", Some("生产经营性支出"),
            money(h.income.operating_cost);
        /// `income.property` (财产性收入).
        IncomeProperty = "income_property", Some("财产性收入"), money(h.income.property);
        /// `income.transfer` (转移性收入).
        IncomeTransfer = "income_transfer", Some("转移性收入"), money(h.income.transfer);
        /// `income.dibao` (低保金).
        IncomeDibao = "income_dibao", Some("低保金"), money(h.income.dibao);
        /// `income.one_off_transfer`.
        IncomeOneOffTransfer = "income_one_off_transfer", None,
            money(h.income.one_off_transfer);
        /// `income.year` (empty: the assessment year).
        IncomeYear = "income_year", None, year(&h.income);
        /// `last_year_income.wage`.
        LastYearIncomeWage = "last_year_income_wage", None, last_year(h, |i| money(i.wage));
        /// `last_year_income.operating`.
        LastYearIncomeOperating = "last_year_income_operating", None,
            last_year(h, |i| money(i.operating));
        /// `last_year_income.operating_cost`.
        LastYearIncomeOperatingCost = "last_year_income_operating_cost", None,
            last_year(h, |i| money(i.operating_cost));
        /// `last_year_income.property`.
        LastYearIncomeProperty = "last_year_income_property", None,
            last_year(h, |i| money(i.property));
        /// `last_year_income.transfer`.
        LastYearIncomeTransfer = "last_year_income_transfer", None,
            last_year(h, |i| money(i.transfer));
        /// `last_year_income.dibao`.
        LastYearIncomeDibao = "last_year_income_dibao", None,
            last_year(h, |i| money(i.dibao));
        /// `last_year_income.one_off_transfer`.
        LastYearIncomeOneOffTransfer = "last_year_income_one_off_transfer", None,
            last_year(h, |i| money(i.one_off_transfer));
        /// `last_year_income.year` (empty: the year before the assessment year).
        LastYearIncomeYear = "last_year_income_year", None, last_year(h, year);
        /// `rigid_expenses`.
        RigidExpenses = "rigid_expenses", None, money(h.rigid_expenses);
        /// `guarantees.food`.
        GuaranteesFood = "guarantees_food", None, boolean(h.guarantees.food);
        /// `guarantees.clothing`.
        GuaranteesClothing = "guarantees_clothing", None, boolean(h.guarantees.clothing);
        /// `guarantees.housing`.
        GuaranteesHousing = "guarantees_housing", None,
            h.guarantees.housing.as_str().to_owned();
        /// `guarantees.drinking_water`.
        GuaranteesDrinkingWater = "guarantees_drinking_water", None,
            boolean(h.guarantees.drinking_water);
        /// `assets.car`.
        AssetsCar = "assets_car", None, boolean(h.assets.car);
        /// `assets.commercial_housing`.
        AssetsCommercialHousing = "assets_commercial_housing", None,
            boolean(h.assets.commercial_housing);
        /// `assets.business`.
        AssetsBusiness = "assets_business", None, boolean(h.assets.business);
        /// `assets.public_employee`.
        AssetsPublicEmployee = "assets_public_employee", None,
            boolean(h.assets.public_employee);
        /// `assets.deposits`.
        AssetsDeposits = "assets_deposits", None, money(h.assets.deposits);
        /// `credit.rating` (empty: no credit record).
        CreditRating = "credit_rating", None,
            h.credit.as_ref().map(|c| c.rating.as_str().to_owned()).unwrap_or_default();
        /// `credit.outstanding` (empty: no credit record).
        CreditOutstanding = "credit_outstanding", None,
            h.credit.as_ref().map(|c| money(c.outstanding)).unwrap_or_default();
    }
);

/// The member table's `household_id` cell needs the household as well as
/// the member.
type MemberOf<'a> = (&'a Household, &'a Member);

columns!(
    /// A column of the member table (interfaces.md §4.1), in order.
    MemberColumn for MemberOf<'_> as r {
        /// `household_id` (户编号).
        HouseholdId = "household_id", Some("户编号"), r.0.id.to_string();
        /// `id` (人员编号).
        Id = "id", Some("人员编号"), r.1.id.to_string();
        /// `id_number` (证件号码).
        IdNumber = "id_number", Some("证件号码"),
            r.1.id_number.as_ref().map(|n| n.expose().to_owned()).unwrap_or_default();
        /// `name` (姓名).
        Name = "name", Some("姓名"), r.1.name.expose().to_owned();
        /// `relation` (与户主关系).
        Relation = "relation", Some("与户主关系"), r.1.relation.as_str().to_owned();
        /// `sex` (性别).
        Sex = "sex", Some("性别"), r.1.sex.as_str().to_owned();
        /// `birth_date` (出生日期).
        BirthDate = "birth_date", Some("出生日期"), r.1.birth_date.to_string();
        /// `schooling` (在校生状况).
        Schooling = "schooling", Some("在校生状况"), r.1.schooling.as_str().to_owned();
        /// `boarding`.
        Boarding = "boarding", None, boolean(r.1.boarding);
        /// `health` (健康状况).
        Health = "health", Some("健康状况"), r.1.health.as_str().to_owned();
        /// `disability_grade` (empty: none).
        DisabilityGrade = "disability_grade", None,
            r.1.disability_grade.map(|g| g.to_string()).unwrap_or_default();
        /// `labor` (劳动技能).
        Labor = "labor", Some("劳动技能"), r.1.labor.as_str().to_owned();
        /// `medical_insurance` (是否参加城乡居民基本医疗保险).
        MedicalInsurance = "medical_insurance", Some("是否参加城乡居民基本医疗保险"),
            boolean(r.1.medical_insurance);
        /// `dibao`.
        Dibao = "dibao", None, boolean(r.1.dibao);
        /// `veteran`.
        Veteran = "veteran", None, boolean(r.1.veteran);
        /// `deceased_on`.
        DeceasedOn = "deceased_on", None, date(r.1.deceased_on);
        /// `moved_out_on`.
        MovedOutOn = "moved_out_on", None, date(r.1.moved_out_on);
    }
);

columns!(
    /// A column of `villages.csv` (domain.md §8: `village,town,population`).
    VillageColumn for &VillageRow as v {
        /// `village` (行政村).
        Village = "village", Some("行政村"), v.village.clone();
        /// `town` (乡镇).
        Town = "town", Some("乡镇"), v.town.clone();
        /// `population` (人口): the agricultural-registered population.
        Population = "population", Some("人口"), v.population.to_string();
    }
);

/// The English headers of `villages.csv`, in order.
pub fn village_headers() -> Vec<&'static str> {
    VillageColumn::ALL.iter().map(|c| c.header()).collect()
}

/// One row of `villages.csv`.
pub fn village_row(v: &VillageRow) -> Vec<String> {
    VillageColumn::ALL.iter().map(|c| c.cell(v)).collect()
}

/// The English headers of the household table, in order.
pub fn household_headers() -> Vec<&'static str> {
    HouseholdColumn::ALL.iter().map(|c| c.header()).collect()
}

/// The English headers of the member table, in order.
pub fn member_headers() -> Vec<&'static str> {
    MemberColumn::ALL.iter().map(|c| c.header()).collect()
}

/// One row of the household table.
pub fn household_row(h: &Household) -> Vec<String> {
    HouseholdColumn::ALL.iter().map(|c| c.cell(h)).collect()
}

/// The household's rows of the member table, one per member in input order.
pub fn member_rows(h: &Household) -> Vec<Vec<String>> {
    h.members
        .iter()
        .map(|m| MemberColumn::ALL.iter().map(|c| c.cell((h, m))).collect())
        .collect()
}

/// The Chinese form of the tables, as staff see them in exports from the
/// national system (interfaces.md §4.1): Chinese headers where the table
/// has one, Chinese enum labels (之女 for a daughter, 孙子/孙女 for
/// grandchildren), 是/否 for booleans, `步骤：日期` exit steps.
pub mod chinese {
    use super::{Household, HouseholdColumn, MemberColumn, household_row, member_rows};
    use crate::enums::{
        Attribute, Cause, CreditRating, ExitStepKind, Health, Housing, Labor, Relation, Schooling,
        Sex, Status, WireEnum,
    };

    fn label<E: WireEnum>(cell: &str) -> String {
        E::from_wire(cell).map_or_else(|| cell.to_owned(), |e| e.zh().to_owned())
    }

    fn yes_no(cell: &str) -> String {
        match cell {
            "true" => "是".to_owned(),
            "false" => "否".to_owned(),
            other => other.to_owned(),
        }
    }

    fn list(cell: &str, f: impl Fn(&str) -> String) -> String {
        cell.split(';').map(f).collect::<Vec<_>>().join(";")
    }

    fn household_cell(c: HouseholdColumn, cell: &str) -> String {
        use HouseholdColumn as C;
        if cell.is_empty() {
            return String::new();
        }
        match c {
            C::Attribute => label::<Attribute>(cell),
            C::Status => label::<Status>(cell),
            C::Causes => list(cell, label::<Cause>),
            C::ExitSteps => list(cell, |item| match item.split_once(':') {
                Some((step, on)) => format!("{}：{on}", label::<ExitStepKind>(step)),
                None => item.to_owned(),
            }),
            C::GuaranteesHousing => label::<Housing>(cell),
            C::CreditRating => label::<CreditRating>(cell),
            C::Relocated
            | C::GuaranteesFood
            | C::GuaranteesClothing
            | C::GuaranteesDrinkingWater
            | C::AssetsCar
            | C::AssetsCommercialHousing
            | C::AssetsBusiness
            | C::AssetsPublicEmployee => yes_no(cell),
            _ => cell.to_owned(),
        }
    }

    fn member_cell(c: MemberColumn, cell: &str, sex: &str) -> String {
        use MemberColumn as C;
        if cell.is_empty() {
            return String::new();
        }
        match c {
            C::Relation => match (cell, sex) {
                ("child", "female") => "之女".to_owned(),
                ("grandchild", "female") => "孙女".to_owned(),
                ("grandchild", _) => "孙子".to_owned(),
                _ => label::<Relation>(cell),
            },
            C::Sex => label::<Sex>(cell),
            C::Schooling => label::<Schooling>(cell),
            C::Health => label::<Health>(cell),
            C::Labor => label::<Labor>(cell),
            C::Boarding | C::MedicalInsurance | C::Dibao | C::Veteran => yes_no(cell),
            _ => cell.to_owned(),
        }
    }

    /// Household headers: Chinese where §4.1 names one, English otherwise.
    pub fn household_headers() -> Vec<&'static str> {
        HouseholdColumn::ALL
            .iter()
            .map(|c| c.zh_header().unwrap_or(c.header()))
            .collect()
    }

    /// Member headers: Chinese where §4.1 names one, English otherwise.
    pub fn member_headers() -> Vec<&'static str> {
        MemberColumn::ALL
            .iter()
            .map(|c| c.zh_header().unwrap_or(c.header()))
            .collect()
    }

    /// One household row with Chinese labels.
    pub fn household_row_zh(h: &Household) -> Vec<String> {
        HouseholdColumn::ALL
            .iter()
            .zip(household_row(h))
            .map(|(c, cell)| household_cell(*c, &cell))
            .collect()
    }

    /// The household's member rows with Chinese labels.
    pub fn member_rows_zh(h: &Household) -> Vec<Vec<String>> {
        member_rows(h)
            .into_iter()
            .zip(&h.members)
            .map(|(row, m)| {
                MemberColumn::ALL
                    .iter()
                    .zip(row)
                    .map(|(c, cell)| member_cell(*c, &cell, m.sex.as_str()))
                    .collect()
            })
            .collect()
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
    use crate::record::parse_household;

    #[test]
    fn household_headers_are_the_flattened_json_fields() {
        let h = household_headers();
        assert_eq!(
            &h[..11],
            [
                "id",
                "town",
                "village",
                "attribute",
                "status",
                "identified_on",
                "exited_on",
                "returned_on",
                "causes",
                "relocated",
                "exit_steps"
            ]
        );
        assert!(h.contains(&"income_wage") && h.contains(&"last_year_income_dibao"));
        assert_eq!(h.last(), Some(&"credit_outstanding"));
        assert_eq!(member_headers()[..3], ["household_id", "id", "id_number"]);
        assert_eq!(
            HouseholdColumn::from_header("低保金"),
            Some(HouseholdColumn::IncomeDibao)
        );
        assert_eq!(
            MemberColumn::from_header("证件号码"),
            Some(MemberColumn::IdNumber)
        );
    }

    #[test]
    fn cells_flatten_lists_and_leave_absent_values_empty() {
        let h = parse_household(
            r#"{"id":"H1","status":"exited","exited_on":"2020-04-01",
            "causes":["illness","lack_of_skills"],
            "exit_steps":[{"step":"proposed","on":"2020-03-01"},{"step":"verified","on":"2020-03-10"}],
            "income":{"wage":"100.5"},"credit":{"rating":"good"},
            "members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-01-01",
            "id_number":"640122197001011234","name":"马明"}]}"#
                .as_bytes(),
        )
        .unwrap();
        let row = household_row(&h);
        let cell = |c: HouseholdColumn| {
            row[HouseholdColumn::ALL.iter().position(|x| *x == c).unwrap()].clone()
        };
        assert_eq!(cell(HouseholdColumn::Causes), "illness;lack_of_skills");
        assert_eq!(
            cell(HouseholdColumn::ExitSteps),
            "proposed:2020-03-01;verified:2020-03-10"
        );
        assert_eq!(cell(HouseholdColumn::IncomeWage), "100.50");
        assert_eq!(cell(HouseholdColumn::IdentifiedOn), "");
        assert_eq!(cell(HouseholdColumn::LastYearIncomeWage), "");
        assert_eq!(cell(HouseholdColumn::CreditRating), "good");
        assert_eq!(cell(HouseholdColumn::CreditOutstanding), "0.00");
        let m = member_rows(&h);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0][..4], ["H1", "P1", "640122197001011234", "马明"]);
        assert_eq!(m[0].len(), MemberColumn::ALL.len());
    }
}
