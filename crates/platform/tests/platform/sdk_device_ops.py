"""Huawei's own IoTDA SDK (huaweicloudsdkiotda) calling the device operations
of the local platform; only the endpoint points at it.

Environment: IOTDA_ENDPOINT, IOTDA_AK, IOTDA_SK, IOTDA_PROJECT_ID.

  sdk_device_ops.py command DEVICE_ID SERVICE_ID COMMAND_NAME PARAS_JSON
      CreateCommand; prints {"command_id", "response", "error_code",
      "error_msg"} as the SDK's CreateCommandResponse holds them.
  sdk_device_ops.py message DEVICE_ID MESSAGE_JSON
      CreateMessage; prints {"message_id", "status"}.
  sdk_device_ops.py shadow DEVICE_ID
      ShowDeviceShadow; prints {"device_id", "shadow"} as the SDK holds it.
  sdk_device_ops.py desire DEVICE_ID SERVICE_ID DESIRED_JSON [VERSION]
      UpdateDeviceShadowDesiredData; prints the same.

A refusal prints {"refused": STATUS, "error_code": ..., "error_msg": ...}.
"""
import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkiotda.v5 import (
    CreateCommandRequest, CreateMessageRequest, DeviceCommandRequest, DeviceMessageRequest,
    IoTDAClient, ShowDeviceShadowRequest, UpdateDesired, UpdateDesireds,
    UpdateDeviceShadowDesiredDataRequest,
)


def shadow_of(r):
    return {"device_id": r.device_id,
            "shadow": [{"service_id": s.service_id,
                        "desired": {"properties": s.desired.properties,
                                    "event_time": s.desired.event_time},
                        "reported": {"properties": s.reported.properties,
                                     "event_time": s.reported.event_time},
                        "version": s.version} for s in (r.shadow or [])]}

credentials = BasicCredentials(os.environ["IOTDA_AK"], os.environ["IOTDA_SK"],
                               os.environ["IOTDA_PROJECT_ID"])
client = IoTDAClient.new_builder() \
    .with_credentials(credentials) \
    .with_region(Region(id="cn-north-4", endpoint=os.environ["IOTDA_ENDPOINT"])) \
    .build()

what = sys.argv[1]
try:
    if what == "command":
        device_id, service_id, command_name, paras = sys.argv[2:6]
        body = DeviceCommandRequest(service_id=service_id, command_name=command_name,
                                    paras=json.loads(paras))
        r = client.create_command(CreateCommandRequest(device_id=device_id, body=body))
        print(json.dumps({"command_id": r.command_id, "response": r.response,
                          "error_code": r.error_code, "error_msg": r.error_msg}))
    elif what == "message":
        device_id, message = sys.argv[2:4]
        body = DeviceMessageRequest(message=json.loads(message))
        r = client.create_message(CreateMessageRequest(device_id=device_id, body=body))
        print(json.dumps({"message_id": r.message_id, "status": r.result.status}))
    elif what == "shadow":
        r = client.show_device_shadow(ShowDeviceShadowRequest(device_id=sys.argv[2]))
        print(json.dumps(shadow_of(r)))
    elif what == "desire":
        device_id, service_id, desired = sys.argv[2:5]
        version = int(sys.argv[5]) if len(sys.argv) > 5 else None
        body = UpdateDesireds(shadow=[UpdateDesired(service_id=service_id,
                                                    desired=json.loads(desired),
                                                    version=version)])
        r = client.update_device_shadow_desired_data(
            UpdateDeviceShadowDesiredDataRequest(device_id=device_id, body=body))
        print(json.dumps(shadow_of(r)))
except exceptions.ClientRequestException as e:
    print(json.dumps({"refused": e.status_code, "error_code": e.error_code,
                      "error_msg": e.error_msg}))
