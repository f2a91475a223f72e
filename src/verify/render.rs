//! A report for people (text, in Chinese or English) and for programs
//! (JSON, docs/FORMAT.md §15, with its messages in the language asked for).
//!
//! The text puts first what a clerk needs: the verdict and its category,
//! the reason in words, the time checked (China Standard Time, the zone
//! written); then the licence and its authority; then every check with its
//! outcome and message; then the warnings. Times are China Standard Time
//! throughout; the JSON keeps every Unix time and adds its CST form beside
//! it (`checked_at_cst`, `issued_at_cst`).

use std::fmt::Write as _;

use serde::ser::{Serialize, Serializer};

use super::{
    AuthorityInfo, Check, CheckKind, DecodedLicence, Inspection, Outcome, Report, Verdict,
};
use crate::catalogue::CheckedLicence;
use crate::lang::Lang;
use crate::licence::{HolderCode, ItemValue, Licence, LicenceWarning};
use crate::policy::Decision;
use crate::status::Status;
use crate::time::{date_text, UnixTime};
use crate::ReasonCode;

/// A label followed by its separator: `证照：` in Chinese, `Licence: ` in
/// English.
fn label(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => format!("{zh}："),
        Lang::En => format!("{en}: "),
    }
}

/// `text` in brackets after a space or, in Chinese, in full-width brackets.
fn aside(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

impl Report {
    /// The headline for people: the verdict and, unless valid, what it
    /// means: `无效 — 证照不是真实的` / `INVALID — the licence is not
    /// genuine`. English keeps the stable verdict word, as exit statuses
    /// and JSON name it.
    pub fn headline(&self, lang: Lang) -> String {
        self.verdict.headline(self.category.message(lang), lang)
    }

    /// The report as text for people, in `lang`:
    ///
    /// ```text
    /// 结论：无效 — 证照是真实的，但当前无效（已被注销、暂停，已过期或尚未生效）
    /// 原因：证照已被注销 [LICENCE_REVOKED]
    /// 核验时间：2024年5月21日 10:00:00（北京时间 UTC+8）
    /// ```
    ///
    /// then (once the signature has verified) the licence and its
    /// authority, every check with its outcome (and, when it did not pass,
    /// the technical detail), and the warnings. When nobody checked whether
    /// the licence was revoked, a line under the verdict says so.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}{}",
            label(lang, "结论", "Verdict"),
            self.headline(lang)
        );
        if self.verdict != Verdict::Valid {
            let _ = writeln!(
                s,
                "{}{} [{}]",
                label(lang, "原因", "Reason"),
                self.reason.message(lang),
                self.reason
            );
        }
        let _ = writeln!(
            s,
            "{}{}",
            label(lang, "核验时间", "Checked at"),
            self.checked_at.cst_text(lang)
        );
        if self
            .check(CheckKind::Status)
            .is_some_and(|c| c.outcome == Outcome::NotChecked)
        {
            let _ = writeln!(
                s,
                "{}{} [{}]",
                label(lang, "注意", "Note"),
                ReasonCode::StatusNotChecked.message(lang),
                ReasonCode::StatusNotChecked
            );
        }
        if let Some(d) = &self.licence {
            s.push('\n');
            licence_lines(
                &mut s,
                lang,
                d.identifier.as_ref().map(ToString::to_string),
                &d.licence,
                d.catalogue.as_ref(),
            );
        }
        if let Some(a) = &self.authority {
            authority_lines(&mut s, lang, a);
        }
        if let Some(d) = &self.recognition {
            let _ = writeln!(
                s,
                "{}{}",
                label(lang, "互认", "Recognition"),
                recognition_text(lang, d)
            );
        }
        if let Some(status) = self.status {
            let _ = writeln!(
                s,
                "{}{}",
                label(lang, "状态列表所载状态", "Status in the status list"),
                status_text(lang, status)
            );
        }
        s.push('\n');
        let _ = writeln!(s, "{}", label(lang, "校验项目", "Checks").trim_end());
        for c in &self.checks {
            check_lines(&mut s, lang, c);
        }
        // A warning that repeats a check's reason (STATUS_NOT_CHECKED) is
        // already on that check's line.
        let warnings: Vec<LicenceWarning> = self
            .warnings
            .iter()
            .filter(|w| !self.checks.iter().any(|c| c.reason == w.code))
            .cloned()
            .collect();
        warning_lines(&mut s, lang, &warnings);
        s
    }

    /// The report as JSON (docs/FORMAT.md §15, docs/report.schema.json),
    /// with its messages in `lang`: the headline (`message`), each check's
    /// name and message, each warning's message; the technical `detail`s
    /// stay in English. Every Unix time has its China Standard Time form
    /// beside it (`checked_at_cst`, `issued_at_cst`).
    pub fn to_json_in(&self, lang: Lang) -> String {
        serde_json::to_string(&JsonReport { report: self, lang })
            .expect("a report always serializes")
    }

    /// The report as JSON with English messages: [`Report::to_json_in`].
    pub fn to_json(&self) -> String {
        self.to_json_in(Lang::En)
    }

    /// The report as text in English: [`Report::render`].
    pub fn to_text(&self) -> String {
        self.render(Lang::En)
    }
}

/// Serialises as [`Report::to_json`] (English messages).
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        JsonReport {
            report: self,
            lang: Lang::En,
        }
        .serialize(s)
    }
}

/// The licence's data, one line each, after a `证照：` / `Licence:` line:
/// identifier, serial and version, number, holder, time of issue, validity,
/// status index and the type's data items.
///
/// The one place where a licence's fields become words. With the
/// catalogue's check (`catalogue`), the type and every data item are shown
/// by their catalogue names, in its display order, with units and dates
/// formatted (`注册资本：1000万元`); without it (the check did not pass, or
/// the type is unknown), by the type code and item numbers as carried.
fn licence_lines(
    s: &mut String,
    lang: Lang,
    identifier: Option<String>,
    l: &Licence,
    catalogue: Option<&CheckedLicence>,
) {
    let code = aside(
        lang,
        &format!("{}{}", label(lang, "类型代码", "type code"), l.type_code()),
    );
    let _ = match catalogue {
        Some(c) => {
            let name = c.licence_type().name();
            let name = match lang {
                Lang::Zh => name.zh.clone(),
                Lang::En => format!("{} ({})", name.en, name.zh),
            };
            writeln!(s, "{}{name}{code}", label(lang, "证照", "Licence"))
        }
        None => writeln!(
            s,
            "{}{}",
            label(lang, "证照", "Licence"),
            aside(
                lang,
                &format!("{}{}", label(lang, "类型代码", "type code"), l.type_code())
            )
            .trim_start()
        ),
    };
    let line = |s: &mut String, zh: &str, en: &str, value: &str| {
        let _ = writeln!(s, "  {}{value}", label(lang, zh, en));
    };
    if let Some(id) = identifier {
        line(s, "证照标识", "identifier", &id);
    }
    line(
        s,
        "序列号",
        "serial",
        &match lang {
            Lang::Zh => format!("{}，版本 {:03}", l.serial(), l.version()),
            Lang::En => format!("{}, version {:03}", l.serial(), l.version()),
        },
    );
    if let Some(n) = l.number() {
        line(s, "证照编号", "number", n);
    }
    let holder = l.holder();
    let code_label = match (&holder.code, lang) {
        (HolderCode::Organisation(_), Lang::Zh) => "统一社会信用代码 ",
        (HolderCode::Organisation(_), Lang::En) => "credit code ",
        (HolderCode::Citizen(_), Lang::Zh) => "公民身份号码 ",
        (HolderCode::Citizen(_), Lang::En) => "resident ID ",
    };
    line(
        s,
        "持证主体",
        "holder",
        &format!(
            "{}{}",
            holder.name,
            aside(lang, &format!("{code_label}{}", holder.code.as_str()))
        ),
    );
    line(
        s,
        "签发时间",
        "issued",
        &UnixTime::from_secs(l.issued_at()).cst_text(lang),
    );
    let v = l.validity();
    let until = match (v.until, lang) {
        (Some(d), _) => date_text(d, lang),
        (None, Lang::Zh) => "长期".to_owned(),
        (None, Lang::En) => "long-term (长期)".to_owned(),
    };
    let from = date_text(v.from, lang);
    line(
        s,
        "有效期",
        "valid",
        &match lang {
            Lang::Zh => format!("{from}至{until}"),
            Lang::En => format!("{from} to {until}"),
        },
    );
    if let Some(i) = l.status_index() {
        line(s, "状态序号", "status index", &i.to_string());
    }
    match catalogue {
        Some(c) => {
            for item in c.items() {
                let name = &item.definition().name;
                let value = match lang {
                    Lang::Zh => item.zh(),
                    Lang::En => item.en(),
                };
                line(s, &name.zh, &name.en, &value);
            }
        }
        None => {
            for item in l.items() {
                let value = match &item.value {
                    ItemValue::Text(t) => t.clone(),
                    ItemValue::Integer(i) => i.to_string(),
                };
                let n = item.number.to_string();
                line(s, &format!("信息项 {n}"), &format!("item {n}"), &value);
            }
        }
    }
}

/// The authority's lines.
fn authority_lines(s: &mut String, lang: Lang, a: &AuthorityInfo) {
    let _ = writeln!(s, "{}{}", label(lang, "签发机关", "Authority"), a.name);
    if let Some(c) = &a.credit_code {
        let _ = writeln!(s, "  {}{c}", label(lang, "统一社会信用代码", "credit code"));
    }
    if let Some(r) = &a.region {
        let root = a
            .root_name
            .as_deref()
            .map(|n| aside(lang, &format!("{}{n}", label(lang, "根证书", "root"))))
            .unwrap_or_default();
        let _ = writeln!(s, "  {}{r}{root}", label(lang, "地区", "region"));
    }
}

/// The recognition policy's decision in words.
fn recognition_text(lang: Lang, d: &Decision) -> String {
    match (d, lang) {
        (Decision::Recognised { local_type, mapped }, Lang::Zh) => format!(
            "认可为本地证照类型 {local_type}{}",
            if *mapped { "（经类型对应）" } else { "" }
        ),
        (Decision::Recognised { local_type, mapped }, Lang::En) => format!(
            "recognised as local type {local_type}{}",
            if *mapped { " (mapped)" } else { "" }
        ),
        (Decision::NotRecognised { reason, .. }, _) => {
            format!(
                "{}{} [{reason}]",
                label(lang, "不予认可", "not recognised"),
                reason.message(lang)
            )
        }
    }
}

/// A status-list entry in words.
fn status_text(lang: Lang, status: Status) -> &'static str {
    match (status, lang) {
        (Status::Valid, Lang::Zh) => "有效",
        (Status::Valid, Lang::En) => "valid",
        (Status::Revoked, Lang::Zh) => "已注销",
        (Status::Revoked, Lang::En) => "revoked",
        (Status::Suspended, Lang::Zh) => "已暂停使用",
        (Status::Suspended, Lang::En) => "suspended",
    }
}

/// One check: its mark, what it does, its outcome or, when it did not
/// pass, the reason in words with its code and the technical detail.
fn check_lines(s: &mut String, lang: Lang, c: &Check) {
    write_check(
        s,
        lang,
        c.outcome,
        c.check.message(lang),
        c.reason,
        &c.detail,
    );
}

/// One check line (shared with the seal report).
pub(crate) fn write_check(
    s: &mut String,
    lang: Lang,
    outcome: Outcome,
    name: &str,
    reason: ReasonCode,
    detail: &str,
) {
    let sep = label(lang, "", "");
    match outcome {
        Outcome::Pass | Outcome::Skipped => {
            let _ = writeln!(
                s,
                "  {} {name}{sep}{}",
                outcome.mark(),
                outcome.message(lang)
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "  {} {name}{sep}{} [{reason}]",
                outcome.mark(),
                reason.message(lang)
            );
            let _ = writeln!(s, "      {}{detail}", label(lang, "详情", "detail"));
        }
    }
}

/// The warnings, each in words with its code and detail.
pub(crate) fn warning_lines(s: &mut String, lang: Lang, warnings: &[LicenceWarning]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(s, "{}", label(lang, "提示", "Warnings").trim_end());
    for w in warnings {
        let _ = writeln!(s, "  ! {} [{}]", w.code.message(lang), w.code);
        let _ = writeln!(s, "      {}{}", label(lang, "详情", "detail"), w.message);
    }
}

/// The report's JSON form in a language.
struct JsonReport<'a> {
    report: &'a Report,
    lang: Lang,
}

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (r, lang) = (self.report, self.lang);
        let mut m = s.serialize_struct("Report", 14)?;
        m.serialize_field("verdict", &r.verdict)?;
        m.serialize_field("category", &r.category)?;
        m.serialize_field("reason", &r.reason)?;
        m.serialize_field("lang", &lang)?;
        m.serialize_field("message", &r.headline(lang))?;
        m.serialize_field("checked_at", &r.checked_at)?;
        m.serialize_field("checked_at_cst", &r.checked_at.cst_rfc3339())?;
        let checks: Vec<JsonCheck<'_>> = r.checks.iter().map(|c| JsonCheck { c, lang }).collect();
        m.serialize_field("checks", &checks)?;
        m.serialize_field("licence", &r.licence.as_ref().map(JsonLicence))?;
        m.serialize_field("authority", &r.authority)?;
        m.serialize_field("warnings", &JsonWarnings(&r.warnings, lang))?;
        m.serialize_field("status", &r.status)?;
        m.serialize_field("recognition", &r.recognition)?;
        m.end()
    }
}

/// A check in JSON: its code, outcome, reason, name and message in the
/// language, and the technical detail.
struct JsonCheck<'a> {
    c: &'a Check,
    lang: Lang,
}

impl Serialize for JsonCheck<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (c, lang) = (self.c, self.lang);
        let mut m = s.serialize_struct("Check", 6)?;
        m.serialize_field("check", &c.check)?;
        m.serialize_field("outcome", &c.outcome)?;
        m.serialize_field("reason", &c.reason)?;
        m.serialize_field("name", c.check.message(lang))?;
        m.serialize_field(
            "message",
            match c.outcome {
                Outcome::Pass | Outcome::Skipped => c.outcome.message(lang),
                _ => c.reason.message(lang),
            },
        )?;
        m.serialize_field("detail", &c.detail)?;
        m.end()
    }
}

/// Warnings in JSON: code, field, message in the language, detail.
pub(crate) struct JsonWarnings<'a>(pub &'a [LicenceWarning], pub Lang);

impl Serialize for JsonWarnings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};
        struct One<'a>(&'a LicenceWarning, Lang);
        impl Serialize for One<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_struct("Warning", 4)?;
                m.serialize_field("code", &self.0.code)?;
                m.serialize_field("field", self.0.field)?;
                m.serialize_field("message", self.0.code.message(self.1))?;
                m.serialize_field("detail", &self.0.message)?;
                m.end()
            }
        }
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for w in self.0 {
            seq.serialize_element(&One(w, self.1))?;
        }
        seq.end()
    }
}

/// The licence in JSON: its members, and `issued_at_cst` beside `issued_at`.
struct JsonLicence<'a>(&'a DecodedLicence);

impl Serialize for JsonLicence<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            licence: &'a DecodedLicence,
            issued_at_cst: String,
        }
        Json {
            licence: self.0,
            issued_at_cst: UnixTime::from_secs(self.0.licence.issued_at()).cst_rfc3339(),
        }
        .serialize(s)
    }
}

impl Inspection {
    /// Readable text in `lang`, starting with the line
    /// `未经核验：以下内容均未经验证` / `UNTRUSTED: nothing below has been
    /// verified`, then the envelope and the licence as claimed.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = String::new();
        match lang {
            Lang::Zh => {
                s.push_str("未经核验：以下内容均未经验证\n");
                s.push_str("  （未核验签名、证书和有效期；请用 verify 核验）\n");
                let _ = writeln!(s, "签名结构：COSE_Sign1，{} 字节", self.cose_len);
            }
            Lang::En => {
                s.push_str("UNTRUSTED: nothing below has been verified\n");
                s.push_str(
                    "  (no signature, certificate or validity was checked; verify to check them)\n",
                );
                let _ = writeln!(s, "Envelope: COSE_Sign1, {} bytes", self.cose_len);
            }
        }
        let _ = writeln!(s, "  typ{}{}", label(lang, "", ""), self.typ);
        let _ = writeln!(s, "  kid{}{}", label(lang, "", ""), self.kid);
        match (&self.licence, &self.claims_error) {
            (Some(l), _) => {
                licence_lines(&mut s, lang, None, l, self.catalogue.as_ref());
                warning_lines(&mut s, lang, &l.warnings());
            }
            (None, Some(e)) => {
                let _ = writeln!(
                    s,
                    "{}{e}",
                    label(
                        lang,
                        "证照内容无法解读",
                        "Licence: the claims do not decode"
                    )
                );
            }
            (None, None) => {}
        }
        s
    }

    /// Readable text in English: [`Inspection::render`].
    pub fn to_text(&self) -> String {
        self.render(Lang::En)
    }
}
