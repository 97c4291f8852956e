//! The template table of explanations: one sentence (Chinese and English)
//! per failed code, trigger, exclusion reason and finding.

use super::Ctx;
use super::income::Income;
use super::view::OwnedView;
use crate::decision::{
    CreditCode, Decision, DibaoCode, ExclusionReason, ExitCode, Finding, FindingCode,
    MonitoringCategory, Trigger,
};
use crate::money::Money;
use crate::trace::Explanation;

/// A figure as published money (rounded to the fen).
fn m(x: impl Into<crate::exact::Exact>) -> Money {
    super::money(x.into())
}

fn exit_sentence(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income, code: ExitCode) -> (String, String) {
    let p = &ctx.p.resolved;
    let y = ctx.year;
    let (zh, en) = match code {
        ExitCode::NotPoor => (
            format!("该户状态为“{}”，不是未脱贫或返贫户", ctx.h.hh.status),
            format!(
                "the household's status is {}, not poor or returned",
                ctx.h.hh.status
            ),
        ),
        ExitCode::NewOrReturnedThisYear => (
            format!("该户为 {y} 年新识别或返贫户，当年不退出"),
            format!("the household was identified or returned to poverty in {y}"),
        ),
        ExitCode::IncomeBelowLine => (
            format!(
                "人均纯收入 {} 元，未超过 {y} 年脱贫标准 {} 元",
                m(inc.pci),
                m(p.poverty_line_exit.value)
            ),
            format!(
                "per-capita net income {} yuan does not exceed the {y} exit line of {} yuan",
                m(inc.pci),
                m(p.poverty_line_exit.value)
            ),
        ),
        ExitCode::Food => (
            "未做到不愁吃".into(),
            "food security is not attested".into(),
        ),
        ExitCode::Clothing => ("未做到不愁穿".into(), "clothing is not attested".into()),
        ExitCode::CompulsoryEducation => (
            format!(
                "有 {}–{} 岁义务教育适龄儿童失学辍学",
                p.education_compulsory_age_min.value, p.education_compulsory_age_max.value
            ),
            format!(
                "a child aged {}–{} is out of compulsory school",
                p.education_compulsory_age_min.value, p.education_compulsory_age_max.value
            ),
        ),
        ExitCode::BasicMedicalInsurance => (
            "有家庭成员未参加城乡居民基本医疗保险".into(),
            "a member is not enrolled in basic medical insurance".into(),
        ),
        ExitCode::HousingUnsafe => (
            "住房为危房（C/D 级）".into(),
            "the dwelling is unsafe (grade C/D)".into(),
        ),
        ExitCode::DrinkingWater => ("饮水安全未保障".into(), "drinking water is not safe".into()),
    };
    (
        format!("不能脱贫退出：{zh}。"),
        format!("Cannot exit: {en}."),
    )
}

fn trigger_sentence(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income, t: Trigger) -> (String, String) {
    let p = &ctx.p.resolved;
    let last = super::monitoring::last_pci(ctx).ok().flatten().map(m);
    match t {
        Trigger::LowIncome => {
            let threshold =
                m(super::monitoring::threshold(ctx).unwrap_or(crate::exact::Exact::ZERO));
            (
                format!(
                    "人均纯收入 {} 元，低于脱贫标准的 {} 倍（{} 元）",
                    m(inc.pci),
                    p.monitoring_income_factor.value,
                    threshold
                ),
                format!(
                    "per-capita net income {} yuan is below {} × the exit line ({} yuan)",
                    m(inc.pci),
                    p.monitoring_income_factor.value,
                    threshold
                ),
            )
        }
        Trigger::RigidExpenses => (
            format!(
                "刚性支出 {} 元，超过家庭纯收入 {} 元",
                ctx.h.hh.rigid_expenses,
                m(inc.net)
            ),
            format!(
                "rigid expenses of {} yuan exceed net income of {} yuan",
                ctx.h.hh.rigid_expenses,
                m(inc.net)
            ),
        ),
        Trigger::IncomeDrop => {
            let last = last.map(|l| l.to_string()).unwrap_or_default();
            (
                format!("人均纯收入 {} 元，较上年 {last} 元大幅下降", m(inc.pci)),
                format!(
                    "per-capita net income fell from {last} yuan last year to {} yuan",
                    m(inc.pci)
                ),
            )
        }
    }
}

fn reason_label(r: ExclusionReason) -> (&'static str, &'static str) {
    match r {
        ExclusionReason::Car => ("拥有小汽车", "owns a car"),
        ExclusionReason::CommercialHousing => {
            ("在城镇购买商品房", "owns commercial housing in town")
        }
        ExclusionReason::Business => ("经营有雇工的企业", "runs a registered business"),
        ExclusionReason::PublicEmployee => ("有财政供养人员", "has a member paid by the state"),
        ExclusionReason::Deposits => ("存款超过限额", "has deposits above the limit"),
    }
}

fn credit_sentence(ctx: &Ctx<'_, OwnedView<'_>>, c: CreditCode) -> (String, String) {
    let p = &ctx.p.resolved;
    let (zh, en) = match c {
        CreditCode::NotEligibleStatus => (
            format!(
                "不是建档立卡户，也不是 {} 起可贷款的边缘易致贫户",
                p.credit_marginal_from.value
            ),
            format!(
                "not registered, nor a marginal household eligible from {}",
                p.credit_marginal_from.value
            ),
        ),
        CreditCode::Age => (
            format!(
                "没有户主或户主年龄不在 {}–{} 岁",
                p.credit_min_age.value, p.credit_max_age.value
            ),
            format!(
                "no head, or the head's age is outside {}–{}",
                p.credit_min_age.value, p.credit_max_age.value
            ),
        ),
        CreditCode::NoRating => ("未评级授信".into(), "no credit rating".into()),
        CreditCode::NoLabor => (
            format!(
                "没有 {} 岁以上有劳动能力的成员",
                p.credit_labor_min_age.value
            ),
            format!(
                "no member aged {}+ able to work",
                p.credit_labor_min_age.value
            ),
        ),
        CreditCode::LimitReached => ("授信额度已用完".into(), "the credit line is used up".into()),
    };
    (
        format!("不能申请扶贫小额信贷：{zh}。"),
        format!("No micro-credit: {en}."),
    )
}

fn finding_sentence(ctx: &Ctx<'_, OwnedView<'_>>, f: &Finding) -> (String, String) {
    let who = f.person_id.as_deref().unwrap_or("");
    let (zh, en) = match f.code {
        FindingCode::IdNumberChecksum => (
            format!("成员 {who} 的身份证号码格式或校验位错误"),
            format!("member {who}'s identity number is malformed or fails its checksum"),
        ),
        FindingCode::IdNumberBirthMismatch => (
            format!("成员 {who} 的身份证号码与出生日期不一致"),
            format!("member {who}'s identity number disagrees with the birth date"),
        ),
        FindingCode::IdNumberSexMismatch => (
            format!("成员 {who} 的身份证号码与性别不一致"),
            format!("member {who}'s identity number disagrees with the sex"),
        ),
        FindingCode::DuplicatePerson => (
            format!("成员 {who} 的身份证号码重复"),
            format!("member {who}'s identity number appears on several records"),
        ),
        FindingCode::IdentificationExcluded => (
            format!("建档立卡户存在一票否决情形（{}）", f.field),
            format!(
                "a registered household has an exclusion reason ({})",
                f.field
            ),
        ),
        FindingCode::NoHead => ("没有户主".into(), "no counted head".into()),
        FindingCode::SeveralHeads => (
            format!("成员 {who} 是多余的户主"),
            format!("member {who} is a second head"),
        ),
        FindingCode::IllnessCauseAllHealthy => (
            "主要致贫原因为因病，但家庭成员均健康".into(),
            "the main cause is illness but every member is healthy".into(),
        ),
        FindingCode::DibaoAndTekun => (
            "特困供养户有成员享受低保".into(),
            "a tekun household has a dibao member".into(),
        ),
        FindingCode::ExitedBelowLine => (
            format!(
                "已脱贫户人均纯收入未超过脱贫标准 {} 元",
                m(ctx.p.resolved.poverty_line_exit.value)
            ),
            format!(
                "an exited household's income is not above the exit line of {} yuan",
                m(ctx.p.resolved.poverty_line_exit.value)
            ),
        ),
        FindingCode::DibaoIncomeAboveStandard => (
            format!(
                "享受低保但人均纯收入不低于低保标准 {} 元",
                m(ctx.p.resolved.dibao_standard_annual.value)
            ),
            format!(
                "dibao is paid though income is not below the standard of {} yuan",
                m(ctx.p.resolved.dibao_standard_annual.value)
            ),
        ),
        FindingCode::DeceasedMemberCountedBenefits => (
            format!("已死亡成员 {who} 仍享受低保"),
            format!("deceased member {who} is still flagged for dibao"),
        ),
        FindingCode::StatusDateInconsistent => (
            format!("状态日期 {} 缺失或晚于评估日期", f.field),
            format!(
                "status date {} is missing or after the assessment date",
                f.field
            ),
        ),
        FindingCode::ExitStepsOutOfOrder => (
            "退出程序步骤缺失或日期倒序".into(),
            "exit steps are missing or dated out of order".into(),
        ),
        FindingCode::PublicityTooShort => (
            format!(
                "公示不足 {} 天即公告",
                ctx.p.resolved.exit_publicity_days.value
            ),
            format!(
                "announced less than {} days after publicity",
                ctx.p.resolved.exit_publicity_days.value
            ),
        ),
        FindingCode::DuplicateId => (
            format!("编号 {} 重复", who),
            "an id appears earlier in the input".into(),
        ),
    };
    (format!("疑点：{zh}。"), format!("Finding: {en}."))
}

/// The explanation of a decision: one sentence per failed code, trigger,
/// exclusion reason and finding, plus a sentence for each positive result.
pub(crate) fn explanation(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income, d: &Decision) -> Explanation {
    let mut e = Explanation::default();
    let y = ctx.year;
    if d.exit.eligible {
        e.push(
            &format!(
                "可以脱贫退出：人均纯收入 {} 元，超过 {y} 年脱贫标准 {} 元，各项保障均已达标。",
                d.per_capita_income, d.poverty_line
            ),
            &format!(
                "May exit: per-capita net income {} yuan exceeds the {y} exit line of {} yuan and every guarantee is met.",
                d.per_capita_income, d.poverty_line
            ),
        );
    }
    for c in &d.exit.failed {
        let (zh, en) = exit_sentence(ctx, inc, *c);
        e.push(&zh, &en);
    }
    let (zh_cat, en_cat) = match d.monitoring.category {
        MonitoringCategory::UnstableExited => ("脱贫不稳定户", "Unstable exited household"),
        _ => ("边缘易致贫户", "Marginal household"),
    };
    for t in &d.monitoring.triggers {
        let (zh, en) = trigger_sentence(ctx, inc, *t);
        e.push(
            &format!("{zh_cat}，纳入监测：{zh}。"),
            &format!("{en_cat}, monitored: {en}."),
        );
    }
    if d.dibao.eligible {
        e.push(
            &format!("符合低保条件：每月补差 {} 元。", d.dibao.monthly_benefit),
            &format!(
                "Eligible for dibao: {} yuan a month.",
                d.dibao.monthly_benefit
            ),
        );
    }
    for c in &d.dibao.failed {
        let (zh, en) = match c {
            DibaoCode::IncomeAboveStandard => (
                format!(
                    "不符合低保条件：扣除低保金后人均纯收入 {} 元，不低于低保标准 {} 元。",
                    m(inc.pci_excl_dibao),
                    m(ctx.p.resolved.dibao_standard_annual.value)
                ),
                format!(
                    "Not eligible for dibao: per-capita income excluding dibao {} yuan is not below the standard of {} yuan.",
                    m(inc.pci_excl_dibao),
                    m(ctx.p.resolved.dibao_standard_annual.value)
                ),
            ),
            DibaoCode::Assets => (
                "不符合低保条件：家庭财产不符合规定。".to_owned(),
                "Not eligible for dibao: the household's assets fail the test.".to_owned(),
            ),
        };
        e.push(&zh, &en);
    }
    for r in &d.identification.reasons {
        let (zh, en) = reason_label(*r);
        e.push(
            &format!("识别一票否决：{zh}。"),
            &format!("Excluded from identification: {en}."),
        );
    }
    for c in &d.credit.failed {
        let (zh, en) = credit_sentence(ctx, *c);
        e.push(&zh, &en);
    }
    for f in &d.findings {
        let (zh, en) = finding_sentence(ctx, f);
        e.push(&zh, &en);
    }
    e
}
