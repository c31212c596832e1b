//! Any bytes as an input line: validation never panics, and a span it
//! accepts serialises to a line that validates again to the same span.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logline::ingest::Line;
use logline::validate::{Mode, Validator, parse_span};

fuzz_target!(|data: &[u8]| {
    let line = Line { no: 1, bytes: data.to_vec(), truncated_from: None };
    for mode in [Mode::Input, Mode::Enriched] {
        let mut v = Validator::new(mode, 0.0);
        if let Ok(span) = v.check(&line) {
            let out = span.to_json_line(true, &[]);
            let again = parse_span(&out, Mode::Enriched).expect("a written span validates again");
            assert_eq!(again.id, span.id);
            assert_eq!(again.this, span.this);
            assert_eq!(again.if_ok, span.if_ok);
            assert_eq!(again.extra.len(), span.extra.len());
        }
    }
    // Reading lines from a stream of these bytes never panics either.
    for l in logline::ingest::LineReader::new(data, 64) {
        let _ = l.map(|l| Validator::new(Mode::Input, 80.0).check(&l).is_ok());
    }
});
