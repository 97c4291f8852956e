//! A person on a household's register (interfaces.md §2.2).

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::date::{serde_date, serde_opt_date};
use crate::enums::{Health, Labor, Relation, Schooling, Sex};
use crate::mask::{IdNumber, PersonName};

/// A member of a household (interfaces.md §2.2).
///
/// `Debug` masks the identity number and the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Person number, unique in the registry.
    pub id: CompactString,
    /// 18-character resident identity number (GB 11643-1999); a bad one is a
    /// finding, not an error.
    #[serde(default)]
    pub id_number: Option<IdNumber>,
    /// The person's name (personal data).
    #[serde(default)]
    pub name: PersonName,
    /// 与户主关系.
    #[serde(default = "default_relation")]
    pub relation: Relation,
    /// 性别.
    pub sex: Sex,
    /// 出生日期.
    #[serde(with = "serde_date")]
    pub birth_date: NaiveDate,
    /// 在校生状况.
    #[serde(default = "default_schooling")]
    pub schooling: Schooling,
    /// Boarding student (寄宿生).
    #[serde(default)]
    pub boarding: bool,
    /// 健康状况.
    #[serde(default = "default_health")]
    pub health: Health,
    /// 残疾等级, 1 (most severe) to 4.
    #[serde(default, deserialize_with = "super::integer::disability_grade")]
    pub disability_grade: Option<u8>,
    /// 劳动技能.
    #[serde(default = "default_labor")]
    pub labor: Labor,
    /// Enrolled in 城乡居民基本医疗保险 for the year.
    #[serde(default = "yes")]
    pub medical_insurance: bool,
    /// Covered by rural dibao (施保对象).
    #[serde(default)]
    pub dibao: bool,
    /// 退伍军人 entitled to the living allowance.
    #[serde(default)]
    pub veteran: bool,
    /// 死亡日期.
    #[serde(default, with = "serde_opt_date")]
    pub deceased_on: Option<NaiveDate>,
    /// Date removed from the household (自然减少).
    #[serde(default, with = "serde_opt_date")]
    pub moved_out_on: Option<NaiveDate>,
}

fn default_relation() -> Relation {
    Relation::Other
}
fn default_schooling() -> Schooling {
    Schooling::None
}
fn default_health() -> Health {
    Health::Healthy
}
fn default_labor() -> Labor {
    Labor::Normal
}
pub(crate) fn yes() -> bool {
    true
}

impl Member {
    /// A member with the given required fields and every default of
    /// interfaces.md §2.2.
    pub fn new(id: impl Into<CompactString>, sex: Sex, birth_date: NaiveDate) -> Member {
        Member {
            id: id.into(),
            id_number: None,
            name: PersonName::default(),
            relation: default_relation(),
            sex,
            birth_date,
            schooling: default_schooling(),
            boarding: false,
            health: default_health(),
            disability_grade: None,
            labor: default_labor(),
            medical_insurance: true,
            dibao: false,
            veteran: false,
            deceased_on: None,
            moved_out_on: None,
        }
    }

    /// Whether this member counts toward household size on `d`
    /// (interfaces.md §2.2): born on or before `d`, and neither deceased nor
    /// moved out on or before `d`.
    pub fn counted_on(&self, d: NaiveDate) -> bool {
        self.birth_date <= d
            && self.deceased_on.is_none_or(|x| x > d)
            && self.moved_out_on.is_none_or(|x| x > d)
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
    use crate::date::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// interfaces.md §2.2: "A member counts toward household size on date `d`
    /// unless `deceased_on ≤ d` or `moved_out_on ≤ d`. Members born after `d`
    /// do not count."
    #[test]
    fn counted_members_table() {
        let as_of = d("2020-12-31");
        let base = Member::new("P", Sex::Female, d("1980-01-01"));
        let with = |f: &dyn Fn(&mut Member)| {
            let mut m = base.clone();
            f(&mut m);
            m
        };
        let cases: Vec<(&str, Member, bool)> = vec![
            ("plain", base.clone(), true),
            (
                "deceased before",
                with(&|m| m.deceased_on = Some(d("2020-06-01"))),
                false,
            ),
            (
                "deceased on as_of",
                with(&|m| m.deceased_on = Some(d("2020-12-31"))),
                false,
            ),
            (
                "deceased after",
                with(&|m| m.deceased_on = Some(d("2021-01-01"))),
                true,
            ),
            (
                "moved out before",
                with(&|m| m.moved_out_on = Some(d("2019-01-01"))),
                false,
            ),
            (
                "moved out on as_of",
                with(&|m| m.moved_out_on = Some(d("2020-12-31"))),
                false,
            ),
            (
                "moved out after",
                with(&|m| m.moved_out_on = Some(d("2021-03-01"))),
                true,
            ),
            (
                "born on as_of",
                with(&|m| m.birth_date = d("2020-12-31")),
                true,
            ),
            (
                "born after as_of",
                with(&|m| m.birth_date = d("2021-01-01")),
                false,
            ),
        ];
        for (name, m, expected) in cases {
            assert_eq!(m.counted_on(as_of), expected, "{name}");
        }
    }

    #[test]
    fn debug_masks_personal_data() {
        let mut m = Member::new("P1", Sex::Male, d("1980-01-01"));
        m.id_number = Some(IdNumber::new("640122198001011238"));
        m.name = PersonName::new("张三丰");
        let shown = format!("{m:?}");
        assert!(!shown.contains("19800101"), "{shown}");
        assert!(!shown.contains("三丰"), "{shown}");
    }
}
