//! The county report (domain.md §8, `fupin report`): a document of
//! sections, each with bilingual tables, built from the statistics and
//! rendered as text here (and as xlsx or HTML by the CLI).
//!
//! Sections, in order: counts; incidence; exit progress; monitoring;
//! benefits; micro-credit; settlement; county exit; findings;
//! reconciliation. A section whose input is absent is left out.

pub mod html;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decision::{CreditCode, DibaoCode, ExitCode, FindingCode, MonitoringCategory, Trigger};
use crate::mask::mask_name;
use crate::money::Money;
use crate::rules::settlement::Settlement;
use crate::stats::county::{Assessment, county_exit};
use crate::stats::ratio::Ratio;
use crate::stats::reconcile::{Check, reconcile};
use crate::stats::{Dimension, RegistryStats, VillageRow};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Int(u64),
    /// An amount of yuan (two decimals).
    Money(Money),
    /// A percentage with two decimals, or none.
    Percent(Option<Decimal>),
    /// A verdict: 是/否.
    Verdict(bool),
}

impl Cell {
    /// The cell as text (`12.50%`, `是 yes`).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Percent(Some(p)) => format!("{p}%"),
            Cell::Percent(None) => "—".into(),
            Cell::Verdict(true) => "是 yes".into(),
            Cell::Verdict(false) => "否 no".into(),
        }
    }

    /// `true` for cells shown right-aligned (numbers).
    pub fn numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Money(_) | Cell::Percent(_))
    }
}

fn money(d: Decimal) -> Cell {
    Cell::Money(Money::from_decimal_rounded(d))
}

/// A bilingual label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

fn label(zh: &str, en: &str) -> Label {
    Label {
        zh: zh.into(),
        en: en.into(),
    }
}

impl Label {
    /// `中文 English`.
    pub fn both(&self) -> String {
        format!("{} {}", self.zh, self.en)
    }
}

/// A table: bilingual column headers and rows of cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The table's name (also the xlsx sheet name).
    pub name: String,
    /// Caption.
    pub caption: Label,
    /// Column headers.
    pub columns: Vec<Label>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable key: `counts`, `incidence`, `exit`, `monitoring`, `benefits`,
    /// `credit`, `settlement`, `county_exit`, `findings`, `reconciliation`.
    pub key: &'static str,
    /// Title.
    pub title: Label,
    /// Tables.
    pub tables: Vec<Table>,
    /// Notes under the tables.
    pub notes: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Title.
    pub title: Label,
    /// Assessment date.
    #[serde(with = "crate::date::serde_date")]
    pub as_of: NaiveDate,
    /// The policy used.
    pub policy: String,
    /// `exit.village_incidence_max` as a percentage (the incidence chart's line).
    pub village_incidence_line: Option<Decimal>,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// Settlement totals and the persons the backstop protected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SettlementStats {
    /// Claims settled.
    pub claims: u64,
    /// Claims refused.
    pub errors: u64,
    /// Σ total cost.
    pub total_cost: Decimal,
    /// Σ each payer: basic, critical, supplementary, assistance, backstop, self-pay.
    pub payers: [Decimal; 6],
    /// Per person-year the backstop paid for: (person, year) → (claims, backstop, self-pay).
    pub protected: BTreeMap<(String, i32), (u64, Decimal, Decimal)>,
}

impl SettlementStats {
    /// Adds one settlement line.
    pub fn add(&mut self, s: &Settlement) {
        self.claims += 1;
        self.total_cost += s.total_cost.as_decimal();
        let parts = [
            s.basic_insurance,
            s.critical_illness_insurance,
            s.supplementary_insurance,
            s.medical_assistance,
            s.backstop,
            s.self_pay,
        ];
        for (acc, p) in self.payers.iter_mut().zip(parts) {
            *acc += p.as_decimal();
        }
        let key = (s.person_id.to_string(), s.year);
        if !s.backstop.is_zero() || self.protected.contains_key(&key) {
            let e = self.protected.entry(key).or_default();
            e.0 += 1;
            e.1 += s.backstop.as_decimal();
            e.2 += s.self_pay.as_decimal();
        }
    }
}

/// Everything the report is built from.
pub struct ReportInput<'a> {
    /// Assessment date.
    pub as_of: NaiveDate,
    /// The policy (its statistics and credit parameters on `as_of` are read).
    pub policy: &'a crate::policy::Policy,
    /// Registry statistics, audit findings included.
    pub stats: &'a RegistryStats,
    /// `villages.csv`, for incidence.
    pub villages: Option<&'a [VillageRow]>,
    /// Settlements of `--claims`.
    pub settlements: Option<&'a SettlementStats>,
    /// Person id → (household id, name), to name the protected.
    pub persons: &'a BTreeMap<String, (String, String)>,
    /// The third-party assessment.
    pub assessment: Option<&'a Assessment>,
    /// Reported figures.
    pub reported: Option<&'a [Check]>,
    /// The county's risk-compensation fund.
    pub risk_fund: Option<Decimal>,
    /// Show names unmasked.
    pub reveal_personal_data: bool,
}

fn table(name: &str, caption: Label, columns: &[(&str, &str)], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        name: name.into(),
        caption,
        columns: columns.iter().map(|(z, e)| label(z, e)).collect(),
        rows,
    }
}

fn count_rows<K: Ord>(
    m: &BTreeMap<K, u64>,
    all: &[K],
    name: impl Fn(&K) -> String,
) -> Vec<Vec<Cell>> {
    all.iter()
        .map(|k| {
            vec![
                Cell::Text(name(k)),
                Cell::Int(m.get(k).copied().unwrap_or(0)),
            ]
        })
        .collect()
}

fn dim_label(d: Dimension) -> Label {
    match d {
        Dimension::Town => label("乡镇", "town"),
        Dimension::Village => label("行政村", "village"),
        Dimension::Status => label("脱贫属性", "status"),
        Dimension::Attribute => label("贫困户属性", "attribute"),
        Dimension::MainCause => label("主要致贫原因", "main cause"),
        Dimension::IdentifiedYear => label("识别年度", "identification year"),
    }
}

impl Report {
    /// Builds the report. Fails only if the policy has no statistics or
    /// credit parameter in force on `as_of`.
    pub fn build(input: &ReportInput<'_>) -> Result<Report, crate::PolicyError> {
        let stats = input.stats;
        let sp = input.policy.statistics_params(input.as_of)?;
        let hp = input.policy.household_params(input.as_of)?;
        let mut sections = Vec::new();

        // 1. Counts.
        let mut tables = vec![table(
            "counts_total",
            label("合计", "total"),
            &[
                ("户数", "households"),
                ("人数", "persons"),
                ("校验错误", "invalid records"),
            ],
            vec![vec![
                Cell::Int(stats.households.households),
                Cell::Int(stats.households.persons),
                Cell::Int(stats.errors),
            ]],
        )];
        for dim in Dimension::ALL {
            let l = dim_label(dim);
            let rows = stats
                .counts
                .get(&dim)
                .map(|m| {
                    m.iter()
                        .map(|(k, c)| {
                            let k = if k.is_empty() {
                                "(空 none)".to_owned()
                            } else {
                                k.clone()
                            };
                            vec![Cell::Text(k), Cell::Int(c.households), Cell::Int(c.persons)]
                        })
                        .collect()
                })
                .unwrap_or_default();
            tables.push(table(
                &format!("counts_{}", dim.as_str()),
                label(&format!("按{}", l.zh), &format!("by {}", l.en)),
                &[(&l.zh, &l.en), ("户数", "households"), ("人数", "persons")],
                rows,
            ));
        }
        sections.push(Section {
            key: "counts",
            title: label("户数与人数", "Households and persons"),
            tables,
            notes: vec![format!(
                "人数为 {} 在册人口 (persons counted on {}).",
                input.as_of, input.as_of
            )],
        });

        // 2. Incidence.
        if let Some(villages) = input.villages {
            let max = sp.exit_village_incidence_max.value;
            let (by_village, by_town, missing) = stats.incidence(villages, max);
            let cols = [
                ("单位", "unit"),
                ("乡镇", "town"),
                ("贫困人口", "poor persons"),
                ("农业户籍人口", "population"),
                ("贫困发生率", "incidence"),
                ("可退出", "may exit"),
            ];
            let rows = |v: &[crate::stats::Incidence]| {
                v.iter()
                    .map(|i| {
                        vec![
                            Cell::Text(i.unit.clone()),
                            Cell::Text(i.town.clone()),
                            Cell::Int(i.poor_persons),
                            Cell::Int(i.population),
                            Cell::Percent(i.incidence.percent()),
                            Cell::Verdict(i.may_exit),
                        ]
                    })
                    .collect()
            };
            let mut notes = vec![format!(
                "退出标准：贫困发生率低于 {}% (exit when incidence is below {}%, exit.village_incidence_max).",
                Ratio::new(max, 1).percent().unwrap_or_default(),
                Ratio::new(max, 1).percent().unwrap_or_default()
            )];
            if !missing.is_empty() {
                notes.push(format!(
                    "不在 villages 表中、未计入发生率的村 (villages left out of incidence): {}",
                    missing
                        .iter()
                        .map(|m| if m.is_empty() {
                            "(空 none)"
                        } else {
                            m.as_str()
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            sections.push(Section {
                key: "incidence",
                title: label("贫困发生率", "Poverty incidence"),
                tables: vec![
                    table(
                        "incidence_village",
                        label("按行政村", "by village"),
                        &cols,
                        rows(&by_village),
                    ),
                    table(
                        "incidence_town",
                        label("按乡镇", "by town"),
                        &cols,
                        rows(&by_town),
                    ),
                ],
                notes,
            });
        }

        // 3. Exit progress.
        sections.push(Section {
            key: "exit",
            title: label("脱贫退出", "Household exit"),
            tables: vec![
                table(
                    "exit_progress",
                    label(
                        "当年可退出与已确认退出",
                        "eligible this year vs confirmed exits",
                    ),
                    &[
                        ("项目", "item"),
                        ("户数", "households"),
                        ("人数", "persons"),
                    ],
                    vec![
                        vec![
                            Cell::Text("符合退出条件 eligible to exit".into()),
                            Cell::Int(stats.exit_eligible.households),
                            Cell::Int(stats.exit_eligible.persons),
                        ],
                        vec![
                            Cell::Text(format!(
                                "{} 年已确认退出 confirmed exits",
                                input.as_of.format("%Y")
                            )),
                            Cell::Int(stats.exit_confirmed.households),
                            Cell::Int(stats.exit_confirmed.persons),
                        ],
                    ],
                ),
                table(
                    "exit_failures",
                    label(
                        "未通过的退出条件（户数）",
                        "failed exit criteria (households)",
                    ),
                    &[("条件", "criterion"), ("户数", "households")],
                    count_rows(&stats.exit_failures, ExitCode::ALL, |c| {
                        c.as_str().to_owned()
                    }),
                ),
            ],
            notes: vec![],
        });

        // 4. Monitoring.
        sections.push(Section {
            key: "monitoring",
            title: label("防返贫监测", "Monitoring against return to poverty"),
            tables: vec![
                table(
                    "monitoring_category",
                    label("监测类别", "categories"),
                    &[
                        ("类别", "category"),
                        ("户数", "households"),
                        ("人数", "persons"),
                    ],
                    MonitoringCategory::ALL
                        .iter()
                        .map(|c| {
                            let n = stats.monitoring.get(c).copied().unwrap_or_default();
                            vec![
                                Cell::Text(c.as_str().into()),
                                Cell::Int(n.households),
                                Cell::Int(n.persons),
                            ]
                        })
                        .collect(),
                ),
                table(
                    "monitoring_trigger",
                    label("监测触发条件（户数）", "triggers (households)"),
                    &[("触发条件", "trigger"), ("户数", "households")],
                    count_rows(&stats.triggers, Trigger::ALL, |t| t.as_str().to_owned()),
                ),
            ],
            notes: vec![],
        });

        // 5. Benefits.
        let b = &stats.benefits;
        sections.push(Section {
            key: "benefits",
            title: label("政策待遇合计", "Benefit totals"),
            tables: vec![
                table(
                    "benefits",
                    label("年度金额（低保为每月）", "annual amounts (dibao per month)"),
                    &[("项目", "item"), ("金额（元）", "amount (yuan)")],
                    vec![
                        vec![
                            Cell::Text("低保补差（每月） dibao, per month".into()),
                            money(b.dibao_monthly),
                        ],
                        vec![
                            Cell::Text("扶贫保保费 insurance premiums".into()),
                            money(b.insurance_premiums),
                        ],
                        vec![
                            Cell::Text("教育资助 education aid".into()),
                            money(b.education_aid),
                        ],
                        vec![
                            Cell::Text("高龄津贴 elderly allowance".into()),
                            money(b.elderly_allowance),
                        ],
                        vec![
                            Cell::Text("退役士兵补助 veterans' allowance".into()),
                            money(b.veterans_allowance),
                        ],
                        vec![
                            Cell::Text("年度待遇合计 entitlements total".into()),
                            money(b.total),
                        ],
                    ],
                ),
                table(
                    "dibao",
                    label("低保", "dibao"),
                    &[("项目", "item"), ("户数", "households")],
                    {
                        let mut rows = vec![vec![
                            Cell::Text("符合低保条件 eligible".into()),
                            Cell::Int(b.dibao_households),
                        ]];
                        rows.extend(count_rows(&stats.dibao_failures, DibaoCode::ALL, |c| {
                            c.as_str().to_owned()
                        }));
                        rows
                    },
                ),
            ],
            notes: vec![],
        });

        // 6. Micro-credit.
        let c = &stats.credit;
        let mut credit_rows = vec![
            vec![
                Cell::Text("可新增贷款户数 households eligible for a new loan".into()),
                Cell::Text(c.eligible_households.to_string()),
            ],
            vec![
                Cell::Text("可新增贷款额度 new-loan headroom (yuan)".into()),
                Cell::Text(Money::from_decimal_rounded(c.max_new_loans).to_string()),
            ],
            vec![
                Cell::Text("贷款余额 outstanding (yuan)".into()),
                Cell::Text(Money::from_decimal_rounded(c.outstanding).to_string()),
            ],
            vec![
                Cell::Text("有贷款户数 borrowers".into()),
                Cell::Text(c.borrowers.to_string()),
            ],
        ];
        if let Some(fund) = input.risk_fund {
            let leverage = hp.credit_leverage.value;
            let (capacity, used) = stats.credit_capacity(fund, leverage);
            credit_rows.push(vec![
                Cell::Text("风险补偿金 risk fund (yuan)".into()),
                Cell::Text(Money::from_decimal_rounded(fund).to_string()),
            ]);
            credit_rows.push(vec![
                Cell::Text("放大倍数 leverage (credit.leverage)".into()),
                Cell::Text(leverage.to_string()),
            ]);
            credit_rows.push(vec![
                Cell::Text("贷款能力 capacity (yuan)".into()),
                Cell::Text(Money::from_decimal_rounded(capacity).to_string()),
            ]);
            credit_rows.push(vec![
                Cell::Text("能力使用率 capacity used".into()),
                Cell::Text(used.to_string()),
            ]);
        }
        sections.push(Section {
            key: "credit",
            title: label("扶贫小额信贷", "Poverty micro-credit"),
            tables: vec![
                table(
                    "credit",
                    label("额度与余额", "lines and loans"),
                    &[("项目", "item"), ("数值", "value")],
                    credit_rows,
                ),
                table(
                    "credit_failures",
                    label(
                        "未通过的信贷条件（户数）",
                        "failed credit criteria (households)",
                    ),
                    &[("条件", "criterion"), ("户数", "households")],
                    count_rows(&stats.credit_failures, CreditCode::ALL, |c| {
                        c.as_str().to_owned()
                    }),
                ),
            ],
            notes: vec![],
        });

        // 7. Settlement.
        if let Some(s) = input.settlements {
            let names = [
                ("基本医保", "basic insurance"),
                ("大病保险", "critical-illness insurance"),
                ("扶贫保补充医疗", "supplementary insurance"),
                ("医疗救助", "medical assistance"),
                ("政府兜底", "government backstop"),
                ("个人自付", "self-pay"),
            ];
            let mut rows: Vec<Vec<Cell>> = names
                .iter()
                .zip(s.payers)
                .map(|((z, e), amount)| {
                    vec![
                        Cell::Text(format!("{z} {e}")),
                        money(amount),
                        Cell::Percent(Ratio::new(amount, s.total_cost).percent()),
                    ]
                })
                .collect();
            rows.push(vec![
                Cell::Text("住院总费用 total cost".into()),
                money(s.total_cost),
                Cell::Percent(Ratio::new(1, 1).percent()),
            ]);
            let protected = s
                .protected
                .iter()
                .filter(|(_, v)| !v.1.is_zero())
                .map(|((person, year), (claims, backstop, self_pay))| {
                    let (household, name) = input.persons.get(person).cloned().unwrap_or_default();
                    let name = if input.reveal_personal_data {
                        name
                    } else {
                        mask_name(&name)
                    };
                    vec![
                        Cell::Text(person.clone()),
                        Cell::Text(name),
                        Cell::Text(household),
                        Cell::Int(u64::try_from(*year).unwrap_or(0)),
                        Cell::Int(*claims),
                        money(*backstop),
                        money(*self_pay),
                    ]
                })
                .collect();
            sections.push(Section {
                key: "settlement",
                title: label("一站式结算", "One-stop medical settlement"),
                tables: vec![
                    table(
                        "settlement_split",
                        label(
                            &format!("{} 笔住院费用的分担", s.claims),
                            &format!("how {} hospital bills were split", s.claims),
                        ),
                        &[
                            ("支付方", "payer"),
                            ("金额（元）", "amount (yuan)"),
                            ("占比", "share"),
                        ],
                        rows,
                    ),
                    table(
                        "backstop_protected",
                        label("政府兜底保障的患者", "patients the backstop protected"),
                        &[
                            ("人员编号", "person"),
                            ("姓名", "name"),
                            ("户编号", "household"),
                            ("年度", "year"),
                            ("住院次数", "stays"),
                            ("兜底金额", "backstop"),
                            ("个人自付", "self-pay"),
                        ],
                        protected,
                    ),
                ],
                notes: if s.errors > 0 {
                    vec![format!(
                        "{} 笔费用记录有误未结算 (claims refused).",
                        s.errors
                    )]
                } else {
                    vec![]
                },
            });
        }

        // 8. County exit.
        if let Some(a) = input.assessment {
            let v = county_exit(a, &sp);
            let rows = v
                .criteria
                .iter()
                .map(|c| {
                    vec![
                        Cell::Text(c.name.into()),
                        Cell::Percent(c.percent),
                        Cell::Text(format!(
                            "{} {}%",
                            c.relation,
                            Ratio::new(c.threshold, 1).percent().unwrap_or_default()
                        )),
                        Cell::Verdict(c.holds),
                    ]
                })
                .collect();
            sections.push(Section {
                key: "county_exit",
                title: label("贫困县退出检查", "County exit check"),
                tables: vec![table(
                    "county_exit",
                    label(
                        if v.may_exit {
                            "结论：可以退出"
                        } else {
                            "结论：暂不能退出"
                        },
                        if v.may_exit {
                            "verdict: may exit"
                        } else {
                            "verdict: may not exit yet"
                        },
                    ),
                    &[
                        ("指标", "criterion"),
                        ("数值", "value"),
                        ("标准", "threshold"),
                        ("达标", "holds"),
                    ],
                    rows,
                )],
                notes: vec![],
            });
        }

        // 9. Findings.
        sections.push(Section {
            key: "findings",
            title: label("疑点数据", "Data-quality findings"),
            tables: vec![table(
                "findings",
                label("按疑点类型", "by code"),
                &[("疑点", "code"), ("条数", "findings")],
                count_rows(&stats.findings, FindingCode::ALL, |c| c.as_str().to_owned()),
            )],
            notes: vec![],
        });

        // 10. Reconciliation.
        if let Some(checks) = input.reported {
            let results = reconcile(checks);
            let failed = results.iter().filter(|r| !r.holds).count();
            sections.push(Section {
                key: "reconciliation",
                title: label("上报数据核对", "Reconciliation of reported figures"),
                tables: vec![table(
                    "reconciliation",
                    label(
                        &format!("{failed} 项不一致"),
                        &format!("{failed} inconsistent"),
                    ),
                    &[
                        ("项目", "figure"),
                        ("核算", "arithmetic"),
                        ("一致", "holds"),
                    ],
                    results
                        .iter()
                        .map(|r| {
                            vec![
                                Cell::Text(r.label.clone()),
                                Cell::Text(r.statement.clone()),
                                Cell::Verdict(r.holds),
                            ]
                        })
                        .collect(),
                )],
                notes: vec![],
            });
        }

        Ok(Report {
            title: label("脱贫攻坚统计报告", "Poverty alleviation statistics report"),
            as_of: input.as_of,
            policy: input.policy.name().to_owned(),
            village_incidence_line: Ratio::new(sp.exit_village_incidence_max.value, 1).percent(),
            sections,
        })
    }

    /// The section with this key.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Renders the report as readable text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}  ({}, {})",
            self.title.both(),
            self.as_of,
            self.policy
        );
        for (i, s) in self.sections.iter().enumerate() {
            let _ = writeln!(out, "\n{}. {}", i + 1, s.title.both());
            for t in &s.tables {
                let _ = writeln!(out, "\n  {}", t.caption.both());
                render_table(&mut out, t);
            }
            for n in &s.notes {
                let _ = writeln!(out, "  * {n}");
            }
        }
        out
    }
}

/// Display width: CJK and full-width characters take two columns.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn render_table(out: &mut String, t: &Table) {
    let headers: Vec<String> = t.columns.iter().map(Label::both).collect();
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(Cell::text).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(display_width(c));
        }
    }
    let pad = |s: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(display_width(s)));
        if right {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    let line: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, w)| pad(h, *w, false))
        .collect();
    let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    let _ = writeln!(
        out,
        "  {}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for (r, row) in cells.iter().zip(&t.rows) {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .zip(row)
            .map(|((c, w), cell)| pad(c, *w, cell.numeric()))
            .collect();
        let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    }
    if t.rows.is_empty() {
        let _ = writeln!(out, "  (无 none)");
    }
}

/// A registry evaluated for the report: its statistics (audit findings
/// included) and the person index used to name patients.
pub struct EvaluatedRegistry {
    /// Statistics.
    pub stats: RegistryStats,
    /// Person id → (household id, name).
    pub persons: BTreeMap<String, (String, String)>,
}

/// Evaluates every household once, audits the registry and gathers the
/// statistics: the same decisions `fupin evaluate` prints, the same
/// findings `fupin audit` prints.
pub fn evaluate_registry(
    eval: &crate::rules::Evaluator<'_>,
    households: &[Result<crate::record::Household, crate::RecordError>],
    mut progress: impl FnMut(usize),
) -> EvaluatedRegistry {
    let decisions: Vec<_> = households
        .iter()
        .enumerate()
        .map(|(i, h)| {
            progress(i);
            match h {
                Ok(hh) => eval.evaluate(hh, false),
                Err(e) => Err(e.clone()),
            }
        })
        .collect();
    evaluated_registry(households, &decisions)
}

/// [`evaluate_registry`] over households already evaluated (`decisions[i]`
/// is the decision or error of `households[i]`, made without explanation),
/// so a caller that keeps the decisions evaluates each household once.
pub fn evaluated_registry(
    households: &[Result<crate::record::Household, crate::RecordError>],
    decisions: &[Result<crate::decision::Decision, crate::RecordError>],
) -> EvaluatedRegistry {
    let mut stats = RegistryStats::default();
    let mut persons = BTreeMap::new();
    for (h, d) in households.iter().zip(decisions) {
        match (h, d) {
            (Ok(hh), Ok(d)) => {
                stats.add(hh, d);
                for m in &hh.members {
                    persons
                        .entry(m.id.to_string())
                        .or_insert_with(|| (hh.id.to_string(), m.name.expose().to_owned()));
                }
            }
            _ => stats.add_error(),
        }
    }
    for found in crate::audit::audit_decided(households, decisions)
        .iter()
        .flatten()
    {
        stats.add_findings(found);
    }
    EvaluatedRegistry { stats, persons }
}

/// Settles claims in order through a fresh ledger.
pub fn settle_claims<'a>(
    policy: &crate::policy::Policy,
    claims: impl IntoIterator<Item = &'a Result<crate::record::Claim, crate::RecordError>>,
) -> SettlementStats {
    let mut ledger = crate::rules::settlement::Ledger::new();
    let mut s = SettlementStats::default();
    for c in claims {
        match c.as_ref().map(|c| ledger.settle(policy, c, false)) {
            Ok(Ok(settlement)) => s.add(&settlement),
            _ => s.errors += 1,
        }
    }
    s
}

/// The demonstration county's inputs (domain.md §8): the `fupin synth`
/// registry generated in memory, its claims and villages, the seed's
/// reported figures, a demonstration assessment and the seed's risk fund.
pub struct Demo {
    /// Households (all valid).
    pub households: Vec<Result<crate::record::Household, crate::RecordError>>,
    /// Claims, in settlement order.
    pub claims: Vec<Result<crate::record::Claim, crate::RecordError>>,
    /// `villages.csv`.
    pub villages: Vec<VillageRow>,
    /// The assessment.
    pub assessment: Assessment,
    /// The seed's reported figures.
    pub reported: Vec<Check>,
    /// The seed's risk fund: 4.5 M yuan.
    pub risk_fund: Decimal,
}

/// The demonstration assessment (`core/data/demo-assessment.toml`).
pub const DEMO_ASSESSMENT: &str = include_str!("../../data/demo-assessment.toml");

impl Demo {
    /// Generates the demo county of `households` households with `seed`.
    pub fn generate(households: u64, seed: u64) -> Result<Demo, crate::PolicyError> {
        use crate::synth::{Synth, SynthConfig};
        let mut synth = Synth::new(SynthConfig {
            households,
            seed,
            ..SynthConfig::default()
        });
        let villages = synth.villages();
        let mut hh = Vec::new();
        let mut claims = Vec::new();
        while let Some((h, c)) = synth.next_entry() {
            hh.push(Ok(h));
            claims.extend(c.into_iter().map(Ok));
        }
        // Claims are settled in admission order, as a county's settlement
        // window would have seen them.
        claims.sort_by_key(|c: &Result<crate::record::Claim, crate::RecordError>| {
            c.as_ref().map(|c| c.admitted_on).ok()
        });
        Ok(Demo {
            households: hh,
            claims,
            villages,
            assessment: crate::stats::county::parse_assessment(DEMO_ASSESSMENT, "demo-assessment")?,
            reported: crate::stats::reconcile::parse_checks(
                crate::stats::SEED_REPORTED,
                "seed-reported",
            )?,
            risk_fund: Decimal::from(4_500_000),
        })
    }
}
