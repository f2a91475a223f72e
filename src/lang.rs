//! The language of the words shown to people: Chinese or English.
//!
//! Reports, reason codes, checks, outcomes, verdicts and categories each
//! have a message in both languages ([`crate::ReasonCode::message`],
//! [`crate::verify::Report::render`]), so the command line, the HTTP
//! service, C and JavaScript show the same words. The stable codes
//! (`LICENCE_REVOKED`, `VALID`, …) never change with the language.

use core::fmt;
use core::str::FromStr;

use serde::Serialize;

/// A language for people: Chinese (simplified) or English.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Simplified Chinese (`zh`).
    Zh,
    /// English (`en`), the default.
    #[default]
    En,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The language's code: `zh` or `en`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language of a language tag or locale name, by its primary
    /// language, case-insensitively: `zh`, `zh-CN`, `zh_CN.UTF-8`,
    /// `zh-Hans-CN`, `en`, `en-US`, `en_GB.UTF-8@euro`, … `None` for any
    /// other language, `C`, `POSIX` or empty text.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default();
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a POSIX locale given by the values of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG`: the first of them that is set and not
    /// empty names the locale (as POSIX orders them); Chinese if it is a
    /// Chinese locale, English for anything else (`C`, `POSIX`, another
    /// language) and when none is set.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    /// The language of the process's locale: [`Lang::from_locale`] of the
    /// environment variables `LC_ALL`, `LC_MESSAGES` and `LANG`. Not in
    /// WebAssembly, which has no environment: there the caller passes the
    /// language (the browser's `navigator.language` through [`Lang::parse`]).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn from_env() -> Lang {
        let var = |name| std::env::var(name).ok();
        Lang::from_locale(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
        )
    }

    /// The preferred language of an HTTP `Accept-Language` header
    /// (RFC 9110 §12.5.4): of the languages listed with a non-zero weight,
    /// the one with the highest weight (the first among equals) that is
    /// Chinese or English; `None` when the header names neither.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for part in header.split(',') {
            let mut fields = part.split(';');
            let Some(lang) = fields.next().and_then(Lang::parse) else {
                continue;
            };
            let mut weight = 1000u16;
            for f in fields {
                if let Some(q) = f.trim().strip_prefix("q=") {
                    weight = parse_weight(q).unwrap_or(0);
                }
            }
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

/// An HTTP weight (`0`, `0.5`, `1.000`) in thousandths.
fn parse_weight(q: &str) -> Option<u16> {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{frac:0<3}").parse::<u16>().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Lang::from_str`]: a language other than Chinese or English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?}: give zh or en", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// [`Lang::parse`], with an error naming what was given.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_locales_parse_by_their_primary_language() {
        for zh in [
            "zh",
            "ZH",
            "zh-CN",
            "zh_CN.UTF-8",
            "zh-Hans-CN",
            "zh_TW.Big5",
            " zh ",
        ] {
            assert_eq!(Lang::parse(zh), Some(Lang::Zh), "{zh}");
        }
        for en in ["en", "en-US", "en_GB.UTF-8@euro", "EN_us"] {
            assert_eq!(Lang::parse(en), Some(Lang::En), "{en}");
        }
        for other in ["", "C", "POSIX", "C.UTF-8", "fr_FR.UTF-8", "zhx", "eng"] {
            assert_eq!(Lang::parse(other), None, "{other}");
        }
        assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!(
            "fr".parse::<Lang>().unwrap_err().to_string(),
            "unknown language \"fr\": give zh or en"
        );
        assert_eq!(Lang::Zh.to_string(), "zh");
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
    }

    #[test]
    fn the_locale_is_the_first_variable_set_in_posix_order() {
        let zh = Some("zh_CN.UTF-8");
        assert_eq!(Lang::from_locale(zh, None, None), Lang::Zh);
        assert_eq!(Lang::from_locale(None, zh, Some("en_US")), Lang::Zh);
        assert_eq!(Lang::from_locale(None, None, zh), Lang::Zh);
        // LC_ALL=C overrides a Chinese LANG; an empty one does not count.
        assert_eq!(Lang::from_locale(Some("C"), None, zh), Lang::En);
        assert_eq!(Lang::from_locale(Some(""), Some(""), zh), Lang::Zh);
        assert_eq!(Lang::from_locale(None, None, Some("de_DE.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(None, None, None), Lang::En);
    }

    #[test]
    fn accept_language_takes_the_heaviest_known_language() {
        let cases = [
            ("zh-CN,zh;q=0.9,en;q=0.8", Some(Lang::Zh)),
            ("en-US,en;q=0.9,zh-CN;q=0.8", Some(Lang::En)),
            ("fr-FR, en;q=0.5, zh;q=0.7", Some(Lang::Zh)),
            ("zh;q=0, en;q=0.1", Some(Lang::En)),
            ("de, fr;q=0.9", None),
            ("zh;q=2, en", Some(Lang::En)),
            ("*", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(Lang::from_accept_language(header), want, "{header}");
        }
    }
}
