//! Numbers and counts as people read them in a report: `12,345`,
//! `£180,000`, `60%`, `1 service`; the characters no output may carry; and
//! text made safe for XML. A leaf module every stage may use, so the same
//! figure reads the same in a message, a table and a document.

/// `12,345` (rounded to a whole number).
pub fn number(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// `1 service`, `2 services`, `1,200 services`: a count and its noun, as
/// every message, table and document says it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", number(n as f64), if n == 1 { one } else { many })
}

/// `£180,000`.
pub fn money(value: f64) -> String {
    format!("£{}", number(value))
}

/// `12%`, or `0.4%` below one percent so small shares do not read as zero.
pub fn percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if pct > 0.0 && pct < 1.0 {
        format!("{pct:.1}%")
    } else {
        format!("{}%", pct.round() as i64)
    }
}

/// A rate such as a prevalence, to one decimal place: `6.5%`.
pub fn rate(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if (pct - pct.round()).abs() < 0.05 {
        format!("{}%", pct.round() as i64)
    } else {
        format!("{pct:.1}%")
    }
}

/// A population group's key as words: `women_16_plus` → "women aged 16
/// and over", `children_0_17` → "children aged 0 to 17", `total_population`
/// → "total population".
pub(crate) fn population_group(key: &str) -> String {
    let tokens: Vec<&str> = key.split(['_', '-']).filter(|t| !t.is_empty()).collect();
    let first_number = tokens
        .iter()
        .position(|t| t.chars().all(|c| c.is_ascii_digit()));
    let Some(i) = first_number.filter(|&i| i > 0) else {
        return tokens.join(" ");
    };
    let who = tokens[..i].join(" ");
    match &tokens[i..] {
        [from, "plus"] => format!("{who} aged {from} and over"),
        [from, to] if to.chars().all(|c| c.is_ascii_digit()) => {
            format!("{who} aged {from} to {to}")
        }
        [age] => format!("{who} aged {age}"),
        _ => tokens.join(" "),
    }
}

/// First letter upper-case: a phrase as a table's row label.
pub(crate) fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Characters no output may carry: C0 controls other than tab, newline and
/// carriage return; DEL and the C1 controls (invisible, and in practice
/// Windows-1252 text read as Latin-1); and the Unicode noncharacters
/// (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE and
/// U+FFFF among them). Lone surrogates cannot occur in a Rust string.
pub(crate) fn is_forbidden(c: char) -> bool {
    let code = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
}

/// Escape text for SVG/XML content and attributes. Characters XML cannot
/// hold at all (C0 controls, U+FFFE, U+FFFF) are dropped, and with them the
/// rest `check` refuses, so a chart or GraphML file is well-formed even from
/// a model that never went through `check`.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_report() {
        assert_eq!(number(1234567.4), "1,234,567");
        assert_eq!(number(999.0), "999");
        assert_eq!(number(-4500.0), "-4,500");
        assert_eq!(money(180000.0), "£180,000");
        assert_eq!(percent(0.6), "60%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(rate(0.065), "6.5%");
        assert_eq!(rate(0.095), "9.5%");
        assert_eq!(rate(0.07), "7%");
    }

    #[test]
    fn one_of_a_thing_is_singular() {
        assert_eq!(plural(1, "refusal", "refusals"), "1 refusal");
        assert_eq!(plural(0, "refusal", "refusals"), "0 refusals");
        assert_eq!(plural(1200, "service", "services"), "1,200 services");
    }

    #[test]
    fn population_groups_read_as_words() {
        assert_eq!(population_group("women_16_plus"), "women aged 16 and over");
        assert_eq!(population_group("children_0_17"), "children aged 0 to 17");
        assert_eq!(population_group("adults_18_64"), "adults aged 18 to 64");
        assert_eq!(population_group("total_population"), "total population");
        assert_eq!(population_group("men"), "men");
    }
}
