//! Whatever an enzyme returns, the host's decoding never panics, and what
//! it accepts keeps the span's id and re-validates.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use logline::enzyme::fuzzing::{OutputCaps, from_wit, wit};
use logline::validate::{Mode, parse_span};

const INPUT: &str = r#"{"id":"s1","who":"u","did":"ask_question","this":"How?","when":"2024-05-01T10:00:00Z","status":"completed","if_ok":"Like this.","context":{"thread_id":"t"}}"#;

fn text(u: &mut Unstructured) -> arbitrary::Result<String> {
    // Mostly plausible values, sometimes anything.
    Ok(match u.int_in_range(0..=6)? {
        0 => "s1".into(),
        1 => "2024-05-01T10:00:00Z".into(),
        2 => "{}".into(),
        3 => r#"{"k":[1,2,{"x":null}]}"#.into(),
        4 => "[1,2]".into(),
        _ => String::arbitrary(u)?,
    })
}

fn opt(u: &mut Unstructured) -> arbitrary::Result<Option<String>> {
    Ok(if bool::arbitrary(u)? { Some(text(u)?) } else { None })
}

fn span(u: &mut Unstructured) -> arbitrary::Result<wit::Span> {
    Ok(wit::Span {
        id: text(u)?,
        who: text(u)?,
        did: text(u)?,
        this: text(u)?,
        when: text(u)?,
        status: match u.int_in_range(0..=2)? {
            0 => wit::Status::Pending,
            1 => wit::Status::Completed,
            _ => wit::Status::Failed,
        },
        if_ok: opt(u)?,
        if_not: opt(u)?,
        confirmed_by: opt(u)?,
        context: opt(u)?,
        metadata: opt(u)?,
        extra: text(u)?,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let input = parse_span(INPUT, Mode::Input).unwrap();
    let Ok(outcome) = (|| -> arbitrary::Result<wit::Outcome> {
        Ok(match u.int_in_range(0..=3)? {
            0 => wit::Outcome::Unchanged,
            1 => wit::Outcome::Changed(span(&mut u)?),
            2 => wit::Outcome::Variants((0..u.int_in_range(0..=5)?).map(|_| span(&mut u)).collect::<Result<_, _>>()?),
            _ => wit::Outcome::Drop(String::arbitrary(&mut u)?),
        })
    })() else {
        return;
    };
    let changes = (0..u.int_in_range(0..=3).unwrap_or(0))
        .map(|_| wit::Change { kind: wit::ChangeKind::Modification, location: text(&mut u).unwrap_or_default(), description: text(&mut u).unwrap_or_default(), before: None, after: opt(&mut u).unwrap_or_default() })
        .collect();
    let caps = OutputCaps { max_bytes: 1 << 16, max_variants: 4 };
    if let Ok((out, _)) = from_wit(&input, wit::Processed { outcome, changes }, caps) {
        use logline::enzyme::Outcome;
        let spans = match out {
            Outcome::Changed(s) => {
                assert_eq!(s.id, "s1");
                vec![*s]
            }
            Outcome::Variants(v) => v,
            _ => vec![],
        };
        for s in spans {
            let line = s.to_json_line(false, &[]);
            parse_span(&line, Mode::Input).expect("an accepted span re-validates");
        }
    }
});
