"""Eclipse Paho (paho-mqtt 2.x) as a device of the local platform, for the
platform's integration tests. Prints one JSON object per line.

  paho_client.py publish URL CLIENT_ID USERNAME PASSWORD TOPIC [--cafile F]
                 [--cert F --key F] [--v5]
      connects, publishes one QoS 1 message and prints
      {"connack": N} and then {"puback": N} or {"closed": true}.

  paho_client.py stream DEVICE_URL CLIENT_ID USERNAME PASSWORD TOPIC
                 BROKER_URL BROKER_USER BROKER_PASS COUNT
      a persistent subscriber straight on the broker (clean session off,
      QoS 1) and a device publishing COUNT QoS 1 messages through the
      platform, both reconnecting; prints {"acked": n} as PUBACKs arrive
      and finally {"acked_total": a, "received_total": r, "lost": [...]}:
      the acknowledged messages the subscriber never got.
"""

import json
import ssl
import sys
import threading
import time
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def say(obj):
    print(json.dumps(obj), flush=True)


def client_for(url, client_id, username, password, v5=False, clean=True, cafile=None,
               cert=None, key=None):
    u = urlparse(url)
    transport = "websockets" if u.scheme in ("ws", "wss") else "tcp"
    kwargs = {}
    if v5:
        kwargs["protocol"] = mqtt.MQTTv5
    else:
        kwargs["protocol"] = mqtt.MQTTv311
        kwargs["clean_session"] = clean
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, transport=transport,
                    **kwargs)
    if transport == "websockets":
        c.ws_set_options(path=u.path or "/mqtt")
    if u.scheme in ("mqtts", "wss"):
        c.tls_set(ca_certs=cafile, certfile=cert, keyfile=key, cert_reqs=ssl.CERT_REQUIRED)
    c.username_pw_set(username, password if password else None)
    return c, u.hostname, u.port


def publish(argv):
    url, client_id, username, password, topic = argv[:5]
    rest = [a for a in argv[5:] if a != "--v5"]
    opts = dict(zip(rest[0::2], rest[1::2]))
    c, host, port = client_for(url, client_id, username, password, v5="--v5" in argv,
                               cafile=opts.get("--cafile"), cert=opts.get("--cert"),
                               key=opts.get("--key"))
    done = threading.Event()

    def on_connect(client, userdata, flags, reason_code, properties):
        say({"connack": reason_code.value, "text": str(reason_code)})
        if reason_code.is_failure:
            done.set()
        else:
            client.publish(topic, b'{"services":[]}', qos=1)

    def on_publish(client, userdata, mid, reason_code, properties):
        say({"puback": reason_code.value})
        done.set()

    def on_disconnect(client, userdata, flags, reason_code, properties):
        if not done.is_set():
            say({"closed": True, "text": str(reason_code)})
        done.set()

    c.on_connect = on_connect
    c.on_publish = on_publish
    c.on_disconnect = on_disconnect
    try:
        c.connect(host, port, keepalive=60)
    except Exception as e:  # a refused WebSocket handshake, a TLS failure
        say({"error": str(e)})
        return
    c.loop_start()
    done.wait(15)
    c.disconnect()
    c.loop_stop()


def stream(argv):
    (device_url, client_id, username, password, topic, broker_url, broker_user, broker_pass,
     count) = argv[:9]
    count = int(count)
    received = set()
    subscribed = threading.Event()
    sub, shost, sport = client_for(broker_url, "platform-side-subscriber", broker_user,
                                   broker_pass, clean=False)

    def on_sub_connect(client, userdata, flags, reason_code, properties):
        if not reason_code.is_failure:
            client.subscribe(topic, qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        subscribed.set()

    def on_message(client, userdata, msg):
        received.add(msg.payload.decode())

    sub.on_connect = on_sub_connect
    sub.on_subscribe = on_subscribe
    sub.on_message = on_message
    sub.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
    sub.connect(shost, sport, keepalive=30)
    sub.loop_start()
    subscribed.wait(10)

    acked = set()
    mids = {}
    lock = threading.Lock()
    dev, dhost, dport = client_for(device_url, client_id, username, password)

    def on_publish(client, userdata, mid, reason_code, properties):
        with lock:
            payload = mids.get(mid)
            if payload is not None and not reason_code.is_failure:
                acked.add(payload)
                say({"acked": len(acked)})

    dev.on_publish = on_publish
    dev.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
    dev.connect(dhost, dport, keepalive=30)
    dev.loop_start()
    for i in range(count):
        with lock:
            info = dev.publish(topic, str(i).encode(), qos=1)
            mids[info.mid] = str(i)
        time.sleep(0.01)
    deadline = time.time() + 20
    while time.time() < deadline and not acked.issubset(received):
        time.sleep(0.1)
    lost = sorted(acked - received, key=int)
    say({"acked_total": len(acked), "received_total": len(received), "lost": lost})
    dev.disconnect()
    dev.loop_stop()
    sub.disconnect()
    sub.loop_stop()


if __name__ == "__main__":
    {"publish": publish, "stream": stream}[sys.argv[1]](sys.argv[2:])
