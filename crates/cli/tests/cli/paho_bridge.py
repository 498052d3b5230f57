"""Eclipse Paho (paho-mqtt 2.x) as the page would be: an MQTT 3.1.1 client
over a WebSocket to `iotda-kit bridge`, with the page's Origin and no
password. Prints one JSON object per line.

  paho_bridge.py URL ORIGIN CLIENT_ID USERNAME FILTER TOPIC PAYLOAD WANT

connects, subscribes to FILTER (QoS 1), publishes PAYLOAD to TOPIC (QoS 1)
once subscribed, and prints {"connack": N}, {"suback": [..]}, {"puback": N}
and {"message": {"topic": T, "payload": P, "qos": Q}} as they come, or
{"error": ...} / {"closed": ...}; it exits once it has what WANT says
("puback", or "puback+message"), or after 20 s.
"""

import json
import sys
import threading
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def say(obj):
    print(json.dumps(obj), flush=True)


def main(url, origin, client_id, username, sub_filter, topic, payload, want):
    u = urlparse(url)
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                    transport="websockets", protocol=mqtt.MQTTv311)
    c.ws_set_options(path=u.path, headers={"Origin": origin})
    c.username_pw_set(username, None)
    done = threading.Event()
    seen = set()

    def saw(what):
        seen.add(what)
        if seen == set(want.split("+")):
            done.set()

    def on_connect(client, userdata, flags, reason_code, properties):
        say({"connack": reason_code.value})
        if reason_code.is_failure:
            done.set()
        else:
            client.subscribe(sub_filter, qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        say({"suback": [r.value for r in reason_codes]})
        client.publish(topic, payload.encode(), qos=1)

    def on_publish(client, userdata, mid, reason_code, properties):
        say({"puback": reason_code.value})
        saw("puback")

    def on_message(client, userdata, msg):
        say({"message": {"topic": msg.topic, "payload": msg.payload.decode(),
                         "qos": msg.qos}})
        saw("message")

    def on_disconnect(client, userdata, flags, reason_code, properties):
        if not done.is_set():
            say({"closed": str(reason_code)})
        done.set()

    c.on_connect = on_connect
    c.on_subscribe = on_subscribe
    c.on_publish = on_publish
    c.on_message = on_message
    c.on_disconnect = on_disconnect
    try:
        c.connect(u.hostname, u.port, keepalive=60)
    except Exception as e:  # a refused WebSocket handshake
        say({"error": str(e)})
        return
    c.loop_start()
    done.wait(20)
    c.disconnect()
    c.loop_stop()


if __name__ == "__main__":
    main(*sys.argv[1:9])
