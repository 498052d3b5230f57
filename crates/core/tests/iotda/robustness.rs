//! Hostile input: whatever the bytes, nothing panics (a panic kills the
//! page in wasm), and what parses prints back the same.

use iotda_core::iotda::{
    validate_properties_report_json, CommandRequest, EventTime, EventsPayload, Message, Payload,
    ProductModel, PropertiesReport, ShadowGetResponse, Topic, TopicKind,
};
use proptest::prelude::*;

use crate::fixture;

proptest! {
    #[test]
    fn any_topic_text_parses_or_errs_and_round_trips(text in ".{0,200}") {
        if let Ok(topic) = Topic::parse(&text) {
            prop_assert_eq!(topic.to_string(), text);
        }
    }

    #[test]
    fn iotda_shaped_topics_round_trip(
        device_id in "[A-Za-z0-9_-]{1,128}",
        request_id in "[^/+#\u{0}]{1,40}",
        kind in prop::sample::select(TopicKind::ALL.to_vec()),
        tail in "(/[a-z_=]{0,12}){0,3}",
    ) {
        let topic = if kind.has_request_id() {
            Topic::with_request_id(kind, &device_id, &request_id).unwrap()
        } else {
            Topic::new(kind, &device_id).unwrap()
        };
        let text = topic.to_string();
        prop_assert_eq!(Topic::parse(&text).unwrap(), topic);
        // Anything appended either still parses to a valid topic or errs.
        let _ = Topic::parse(&format!("{text}{tail}"));
    }

    #[test]
    fn query_request_ids_round_trip(
        device_id in "[A-Za-z0-9_-]{1,128}",
        request_id in "[^/+#&?\u{0}]{1,40}",
        kind in prop::sample::select(vec![TopicKind::PropertiesReport, TopicKind::MessagesUp]),
    ) {
        let topic = Topic::with_request_id(kind, &device_id, &request_id).unwrap();
        let text = topic.to_string();
        let suffix = format!("?request_id={request_id}");
        prop_assert!(text.ends_with(&suffix));
        prop_assert_eq!(Topic::parse(&text).unwrap(), topic);
    }

    #[test]
    fn any_bytes_decode_or_err(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Message::from_bytes(&bytes);
        let _ = PropertiesReport::decode(&bytes);
        let _ = CommandRequest::decode(&bytes);
        let _ = ShadowGetResponse::decode(&bytes);
        let _ = EventsPayload::decode(&bytes);
        let _ = ProductModel::from_bytes(&bytes);
        let _ = validate_properties_report_json(&iotda_core::iotda::default_model(), &bytes);
    }

    #[test]
    fn json_shaped_text_decodes_or_errs(text in r#"[\[\]{}",:0-9a-z_. -]{0,200}"#) {
        let _ = PropertiesReport::decode(text.as_bytes());
        let _ = ProductModel::from_json(text.as_bytes());
        let _ = validate_properties_report_json(&iotda_core::iotda::default_model(), text.as_bytes());
    }

    #[test]
    fn damaged_product_zips_are_errors_not_panics(
        which in any::<bool>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let name = if which { "product_model_profile.zip" } else { "product_model_streamed.zip" };
        let mut bytes = fixture(name);
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = ProductModel::from_zip(&bytes);
        let len = cut.index(bytes.len() + 1);
        let _ = ProductModel::from_zip(&bytes[..len]);
    }

    #[test]
    fn event_times_round_trip(ms in -62_167_219_200_000i64..=253_402_300_799_999) {
        let t = EventTime::from_unix_millis(ms).unwrap();
        prop_assert_eq!(EventTime::parse(&t.to_extended()).unwrap(), t);
        let compact = EventTime::parse(&t.to_string()).unwrap();
        prop_assert_eq!(compact.unix_seconds(), t.unix_seconds());
        prop_assert_eq!(compact.to_string(), t.to_string());
    }

    #[test]
    fn any_event_time_text_parses_or_errs(text in ".{0,30}", digits in "[0-9]{8}T[0-9]{6}Z") {
        let _ = EventTime::parse(&text);
        if let Ok(t) = EventTime::parse(&digits) {
            prop_assert_eq!(t.to_string(), digits);
        }
    }
}
