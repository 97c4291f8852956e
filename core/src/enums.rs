//! The wire enums of interfaces.md §2, each with its exact snake_case string
//! and the Chinese labels that registry exports use (§4.1).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ErrorCode, tag_serde_message};

/// Common behaviour of the wire enums.
pub trait WireEnum: Sized + Copy + 'static {
    /// Every value, in the order the spec lists them.
    const ALL: &'static [Self];
    /// A short English name of the enum for messages (`"hospital_level"`).
    const NAME: &'static str;
    /// The exact wire string.
    fn as_str(self) -> &'static str;
    /// The Chinese labels accepted in registry tables (the first is the
    /// canonical one used on output).
    fn zh_labels(self) -> &'static [&'static str];

    /// Parses the wire string.
    fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// Parses the wire string given as bytes.
    fn from_wire_bytes(b: &[u8]) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str().as_bytes() == b)
    }

    /// Parses the wire string or a Chinese label.
    fn from_label(s: &str) -> Option<Self> {
        Self::from_wire(s).or_else(|| {
            Self::ALL
                .iter()
                .copied()
                .find(|v| v.zh_labels().contains(&s))
        })
    }

    /// The canonical Chinese label.
    fn zh(self) -> &'static str {
        self.zh_labels().first().copied().unwrap_or("")
    }
}

macro_rules! wire_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $wire_name:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $wire:literal [$($zh:literal),*] ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl WireEnum for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const NAME: &'static str = $wire_name;
            fn from_wire(s: &str) -> Option<Self> {
                // The same lookup as the trait's default, as one `match`.
                match s {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
            fn from_wire_bytes(b: &[u8]) -> Option<Self> {
                $(if b == $wire.as_bytes() {
                    return Some($name::$variant);
                })+
                None
            }
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            fn zh_labels(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($zh),*]),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "one of the {} values", $wire_name)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        <$name as WireEnum>::from_wire(v).ok_or_else(|| {
                            let allowed: Vec<&str> =
                                <$name as WireEnum>::ALL.iter().map(|x| x.as_str()).collect();
                            E::custom(tag_serde_message(
                                ErrorCode::InvalidEnum,
                                &format!(
                                    "invalid {} {:?}: expected one of {}",
                                    $wire_name, v, allowed.join(", ")
                                ),
                            ))
                        })
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

wire_enum!(
    /// 贫困户属性.
    Attribute, "attribute" {
        /// 一般贫困户.
        General = "general" ["一般贫困户"],
        /// 低保贫困户.
        Dibao = "dibao" ["低保贫困户"],
        /// 特困供养贫困户.
        Tekun = "tekun" ["特困供养贫困户"],
    }
);

wire_enum!(
    /// Registration status (脱贫属性).
    Status, "status" {
        /// 未脱贫: on the register, not exited.
        Poor = "poor" ["未脱贫"],
        /// 已脱贫.
        Exited = "exited" ["已脱贫"],
        /// 返贫.
        Returned = "returned" ["返贫"],
        /// Not on the register (非建档立卡户).
        Unregistered = "unregistered" ["非建档立卡户"],
    }
);

impl Status {
    /// "Registered" means `poor`, `exited` or `returned` (domain.md §6).
    pub fn is_registered(self) -> bool {
        !matches!(self, Status::Unregistered)
    }
}

wire_enum!(
    /// 致贫原因.
    Cause, "cause" {
        /// 因病.
        Illness = "illness" ["因病"],
        /// 因残.
        Disability = "disability" ["因残"],
        /// 因学.
        Schooling = "schooling" ["因学"],
        /// 因灾.
        Disaster = "disaster" ["因灾"],
        /// 缺土地.
        LackOfLand = "lack_of_land" ["缺土地"],
        /// 缺水.
        LackOfWater = "lack_of_water" ["缺水"],
        /// 缺技术.
        LackOfSkills = "lack_of_skills" ["缺技术"],
        /// 缺劳力.
        LackOfLabor = "lack_of_labor" ["缺劳力"],
        /// 缺资金.
        LackOfCapital = "lack_of_capital" ["缺资金"],
        /// 交通条件落后.
        PoorTransport = "poor_transport" ["交通条件落后"],
        /// 自身发展动力不足.
        LackOfMotivation = "lack_of_motivation" ["自身发展动力不足"],
        /// 其他.
        Other = "other" ["其他"],
    }
);

wire_enum!(
    /// A step of the exit procedure (domain.md §7), in procedure order.
    ExitStepKind, "exit step" {
        /// 民主评议.
        Proposed = "proposed" ["民主评议"],
        /// 核实.
        Verified = "verified" ["核实"],
        /// 户认可.
        Agreed = "agreed" ["户认可"],
        /// 公示.
        Publicized = "publicized" ["公示"],
        /// 公告.
        Announced = "announced" ["公告"],
        /// 销号.
        Deregistered = "deregistered" ["销号"],
    }
);

wire_enum!(
    /// Housing safety (住房安全).
    Housing, "housing" {
        /// A/B grade.
        Safe = "safe" ["安全"],
        /// C/D grade (危房).
        Unsafe = "unsafe" ["危房"],
        /// Relocated (已搬迁).
        Relocated = "relocated" ["已搬迁"],
    }
);

wire_enum!(
    /// 与户主关系.
    Relation, "relation" {
        /// 户主.
        Head = "head" ["户主"],
        /// 配偶.
        Spouse = "spouse" ["配偶"],
        /// 之子 / 之女.
        Child = "child" ["之子", "之女"],
        /// 父母.
        Parent = "parent" ["父母"],
        /// 之孙 / 孙子 / 孙女.
        Grandchild = "grandchild" ["之孙", "孙子", "孙女"],
        /// 祖父母.
        Grandparent = "grandparent" ["祖父母"],
        /// 兄弟姐妹.
        Sibling = "sibling" ["兄弟姐妹"],
        /// 其他.
        Other = "other" ["其他"],
    }
);

wire_enum!(
    /// 性别.
    Sex, "sex" {
        /// 男.
        Male = "male" ["男"],
        /// 女.
        Female = "female" ["女"],
    }
);

wire_enum!(
    /// 在校生状况.
    Schooling, "schooling" {
        /// 非在校生.
        None = "none" ["非在校生"],
        /// 学前教育.
        Preschool = "preschool" ["学前教育"],
        /// 小学.
        Primary = "primary" ["小学"],
        /// 初中.
        Junior = "junior" ["初中"],
        /// 高中.
        Senior = "senior" ["高中"],
        /// 中职.
        Vocational = "vocational" ["中职"],
        /// 大专及以上.
        College = "college" ["大专及以上"],
        /// 失学辍学.
        Dropout = "dropout" ["失学辍学"],
        /// 送教上门: excused for severe disability, taught at home.
        Exempt = "exempt" ["送教上门"],
    }
);

wire_enum!(
    /// 健康状况.
    Health, "health" {
        /// 健康.
        Healthy = "healthy" ["健康"],
        /// 长期慢性病.
        Chronic = "chronic" ["长期慢性病"],
        /// 患有大病.
        SeriousIllness = "serious_illness" ["患有大病"],
        /// 残疾.
        Disabled = "disabled" ["残疾"],
    }
);

wire_enum!(
    /// 劳动技能.
    Labor, "labor" {
        /// 普通劳动力.
        Normal = "normal" ["普通劳动力"],
        /// 技能劳动力.
        Skilled = "skilled" ["技能劳动力"],
        /// 弱劳动力或半劳动力.
        Weak = "weak" ["弱劳动力或半劳动力"],
        /// 丧失劳动力或无劳动力.
        None = "none" ["丧失劳动力或无劳动力"],
    }
);

wire_enum!(
    /// Hospital level of a claim.
    HospitalLevel, "hospital_level" {
        /// 乡镇卫生院.
        Township = "township" ["乡镇卫生院"],
        /// 县级.
        County = "county" ["县级"],
        /// 市级.
        City = "city" ["市级"],
        /// 区(省)级.
        Provincial = "provincial" ["区级", "省级"],
        /// 区外: outside the region (no backstop).
        OutOfRegion = "out_of_region" ["区外"],
    }
);

wire_enum!(
    /// Credit rating for poverty micro-credit.
    CreditRating, "credit rating" {
        /// 优秀.
        Excellent = "excellent" ["优秀"],
        /// 良好.
        Good = "good" ["良好"],
        /// 一般.
        Fair = "fair" ["一般"],
        /// Not rated.
        None = "none" ["未评级"],
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip_and_chinese_labels_parse() {
        for v in HospitalLevel::ALL {
            assert_eq!(HospitalLevel::from_wire(v.as_str()), Some(*v));
        }
        assert_eq!(Relation::from_label("之女"), Some(Relation::Child));
        assert_eq!(Relation::from_label("孙女"), Some(Relation::Grandchild));
        assert_eq!(
            Status::from_label("非建档立卡户"),
            Some(Status::Unregistered)
        );
        assert_eq!(Labor::from_label("弱劳动力或半劳动力"), Some(Labor::Weak));
        assert_eq!(Sex::from_label("男"), Some(Sex::Male));
        assert_eq!(Sex::from_wire("男"), None);
    }

    #[test]
    fn an_unknown_enum_string_is_an_invalid_enum_error() {
        let e = serde_json::from_str::<Status>("\"gone\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid_enum"), "{e}");
        assert!(serde_json::from_str::<Status>("1").is_err());
    }
}
