"""Eclipse Paho (paho-mqtt 2.x) playing a device of the local platform for
the application-side tests. Prints one JSON object per line, flushed.

  device.py HOST PORT CLIENT_ID USERNAME PASSWORD [--up TEXT]
            [--report JSON]... [--event JSON]... [--gateway-report JSON]...
            [--publish SUFFIX TEXT]... [--gzip-publish SUFFIX TEXT]...
            [--shadow-get] [--silent] [--keepalive N]

Connects (MQTT 3.1.1, clean session) and prints {"connack": N}; then
publishes TEXT on $oc/devices/{device_id}/sys/messages/up if --up is given,
and each --report JSON, in order, on .../sys/properties/report, then each --event
JSON on .../sys/events/up, then each --gateway-report JSON on
.../sys/gateway/sub_devices/properties/report, printing {"published":
"up"}, {"published": "report"}, {"published": "event"} or {"published":
"gateway-report"} as each is acknowledged; then each --publish TEXT on
$oc/devices/{device_id}/sys/SUFFIX (SUFFIX may carry a query such as
?request_id=7), and each --gzip-publish TEXT compressed by Python's gzip on
.../sys/SUFFIX, printing {"published": SUFFIX} as each is acknowledged;
with --shadow-get it then asks for its shadow on
.../sys/shadow/get/request_id=1 (the answer is printed as it arrives). Prints every
message it receives as {"topic": ..., "payload": ...}. Unless --silent it
answers each command on commands/response/request_id={id} with
{"result_code": 0, "response_name": "COMMAND_RESPONSE", "paras": <the
command's paras>}, each property set with {"result_code": 0, "result_desc":
"success"} and each property get with the service's batteryLevel 77.
Runs until stdin closes.
"""

import gzip
import json
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def say(obj):
    print(json.dumps(obj), flush=True)


def main(argv):
    host, port, client_id, username, password = argv[:5]
    rest = argv[5:]
    up = rest[rest.index("--up") + 1] if "--up" in rest else None
    keepalive = int(rest[rest.index("--keepalive") + 1]) if "--keepalive" in rest else 60
    silent = "--silent" in rest
    reports = [rest[i + 1] for i, a in enumerate(rest) if a == "--report"]
    events = [rest[i + 1] for i, a in enumerate(rest) if a == "--event"]
    batches = [rest[i + 1] for i, a in enumerate(rest) if a == "--gateway-report"]
    raw = [(rest[i + 1], rest[i + 2].encode()) for i, a in enumerate(rest) if a == "--publish"]
    raw += [(rest[i + 1], gzip.compress(rest[i + 2].encode()))
            for i, a in enumerate(rest) if a == "--gzip-publish"]
    kinds = {}
    device_id = username
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                    protocol=mqtt.MQTTv311, clean_session=True)
    c.username_pw_set(username, password)

    def on_connect(client, userdata, flags, reason_code, properties):
        say({"connack": reason_code.value})
        if reason_code.is_failure:
            return
        if up is not None:
            info = client.publish("$oc/devices/%s/sys/messages/up" % device_id, up.encode(), qos=1)
            kinds[info.mid] = "up"
        for report in reports:
            info = client.publish("$oc/devices/%s/sys/properties/report" % device_id,
                                  report.encode(), qos=1)
            kinds[info.mid] = "report"
        for event in events:
            info = client.publish("$oc/devices/%s/sys/events/up" % device_id,
                                  event.encode(), qos=1)
            kinds[info.mid] = "event"
        for batch in batches:
            info = client.publish("$oc/devices/%s/sys/gateway/sub_devices/properties/report"
                                  % device_id, batch.encode(), qos=1)
            kinds[info.mid] = "gateway-report"
        for suffix, payload in raw:
            info = client.publish("$oc/devices/%s/sys/%s" % (device_id, suffix), payload, qos=1)
            kinds[info.mid] = suffix
        if "--shadow-get" in rest:
            client.publish("$oc/devices/%s/sys/shadow/get/request_id=1" % device_id,
                           json.dumps({"object_device_id": device_id}).encode(), qos=0)

    def on_publish(client, userdata, mid, reason_code, properties):
        say({"published": kinds.get(mid, "?")})

    def on_message(client, userdata, msg):
        text = msg.payload.decode("utf-8", "replace")
        say({"topic": msg.topic, "payload": text})
        if silent or "request_id=" not in msg.topic:
            return
        request_id = msg.topic.split("request_id=", 1)[1]
        body = json.loads(text)
        if "/sys/commands/" in msg.topic:
            kind = "commands"
            answer = {"result_code": 0, "response_name": "COMMAND_RESPONSE",
                      "paras": body.get("paras", {})}
        elif "/sys/properties/set/" in msg.topic:
            kind = "properties/set"
            answer = {"result_code": 0, "result_desc": "success"}
        elif "/sys/properties/get/" in msg.topic:
            kind = "properties/get"
            answer = {"services": [{"service_id": body.get("service_id") or "Battery",
                                    "properties": {"batteryLevel": 77}}]}
        else:
            return
        client.publish("$oc/devices/%s/sys/%s/response/request_id=%s"
                       % (device_id, kind, request_id), json.dumps(answer).encode(), qos=0)

    c.on_connect = on_connect
    c.on_publish = on_publish
    c.on_message = on_message
    c.connect(host, int(port), keepalive=keepalive)
    c.loop_start()
    sys.stdin.read()
    c.disconnect()
    c.loop_stop()


if __name__ == "__main__":
    main(sys.argv[1:])
