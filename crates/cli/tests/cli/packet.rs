//! `iotda-kit packet decode`.

use super::{kit, ok, text};

#[test]
fn decodes_packets_in_a_row_with_their_fields() {
    // CONNACK accepted, then a QoS 1 PUBLISH (id 7) of JSON to a/b, then PINGRESP.
    let out = ok(&kit(&[
        "packet",
        "decode",
        "20 02 00 00",
        "32 0e 00 03 61 2f 62 00 07 7b 22 61 22 3a 31 7d",
        "d0 00",
    ]));
    assert!(out.contains("ConnAck at byte 0, 4 bytes"), "{out}");
    assert!(out.contains("reason: Success"), "{out}");
    assert!(out.contains("Publish at byte 4, 16 bytes"), "{out}");
    assert!(out.contains("\"a/b\""), "{out}");
    assert!(out.contains(r#"payload: "{\"a\":1}""#), "{out}");
    assert!(out.contains("PingResp at byte 20, 2 bytes"), "{out}");
    // Absent MQTT 5 properties are not listed.
    assert!(!out.contains("topic_alias"), "{out}");
}

#[test]
fn mqtt5_reason_codes_and_properties() {
    // MQTT 5 CONNACK refused "Not authorized" (0x87) with a reason string "no".
    let out = ok(&kit(&[
        "packet",
        "decode",
        "--protocol",
        "5",
        "0x20 0x08 0x00 0x87 0x05 0x1f 0x00 0x02 0x6e 0x6f",
    ]));
    assert!(out.contains("NotAuthorized"), "{out}");
    assert!(out.contains("reason_string: \"no\""), "{out}");
}

#[test]
fn bad_input_is_one_line_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["packet", "decode", "30"], "incomplete"),
        (&["packet", "decode", "f0 00"], "not valid MQTT 3.1.1"),
        (&["packet", "decode", "2g"], "'g' is not a hex digit"),
        (&["packet", "decode", "200"], "odd number"),
        (
            &["packet", "decode", "--protocol", "6", "c000"],
            "--protocol",
        ),
        // Over-long Remaining Length: five continuation bytes.
        (&["packet", "decode", "30 ff ff ff ff 01"], "not valid"),
        // A second packet cut short names its offset.
        (&["packet", "decode", "c000 3005"], "at byte 2"),
    ];
    for (args, must_contain) in cases {
        let out = kit(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(must_contain), "{args:?}: {stderr}");
    }
}
