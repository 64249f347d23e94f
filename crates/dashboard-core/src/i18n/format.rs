//! Numbers and dates in the page's language, after the Unicode CLDR's patterns for `en`,
//! `ko`, `ja` and `zh` (docs/i18n.md): counts are grouped by three with a comma in all four;
//! dates follow each language's medium date pattern, with a 24-hour clock, in UTC (Atlas's
//! event times are UTC, and the dashboard does not guess the reader's zone). The zone is said
//! once, in the column's heading ("When (UTC)"), not in every cell; the `<time datetime>`
//! carries the exact instant with its `Z`.

use super::{current_lang, Lang};

/// A count: `1,005`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// An Atlas timestamp (`2026-11-28T00:53:03Z`, or with a fraction) for the page's language;
/// anything else as it came.
pub fn date_time(created: &str) -> String {
    date_time_in(current_lang(), created)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn date_time_in(lang: Lang, created: &str) -> String {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let text = created.get(range)?;
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    let well_formed = created.get(4..5) == Some("-")
        && created.get(7..8) == Some("-")
        && created.get(10..11) == Some("T")
        && created.get(13..14) == Some(":")
        && created.get(16..17) == Some(":")
        && created.ends_with('Z');
    let clock_digits =
        number(11..13).is_some() && number(14..16).is_some() && number(17..19).is_some();
    let (Some(year), Some(month @ 1..=12), Some(day), Some(clock), true) = (
        number(0..4),
        number(5..7),
        number(8..10),
        created.get(11..19),
        clock_digits,
    ) else {
        return created.to_string();
    };
    if !well_formed {
        return created.to_string();
    }
    let month_name = MONTHS[month as usize - 1];
    match lang {
        Lang::En => format!("{day} {month_name} {year}, {clock}"),
        Lang::Ko => format!("{year}. {month}. {day}. {clock}"),
        Lang::Ja => format!("{year}/{month:02}/{day:02} {clock}"),
        Lang::Zh => format!("{year}年{month}月{day}日 {clock}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_005), "1,005");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn dates_follow_each_language_and_leave_the_unknown_alone() {
        let at = "2026-11-08T00:53:03.120Z";
        assert_eq!(date_time_in(Lang::En, at), "8 Nov 2026, 00:53:03");
        assert_eq!(date_time_in(Lang::Ko, at), "2026. 11. 8. 00:53:03");
        assert_eq!(date_time_in(Lang::Ja, at), "2026/11/08 00:53:03");
        assert_eq!(date_time_in(Lang::Zh, at), "2026年11月8日 00:53:03");
        for odd in [
            "yesterday",
            "2026-13-08T00:53:03Z",
            "2026-11-08 00:53:03",
            "2026-11-28T00:53:0éZ",
            "2026-11-28T00:5x:03Z",
            "",
        ] {
            assert_eq!(date_time_in(Lang::Ja, odd), odd);
        }
    }
}
