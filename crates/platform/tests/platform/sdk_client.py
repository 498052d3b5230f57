"""A client written against Huawei's own IoTDA SDK, as Huawei's examples
write it; only the endpoint points at the local platform.

Environment: IOTDA_ENDPOINT, IOTDA_AK, IOTDA_SK, IOTDA_PROJECT_ID, and
IOTDA_DERIVED=1 for the derived AK/SK signature (V11-HMAC-SHA256). Prints
one line per step; exits 1 after printing `refused STATUS CODE` if the
platform refuses a request.
"""
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkiotda.v5 import (
    AddDevice, AddDeviceRequest, AddProduct, AuthInfo, CreateProductRequest,
    IoTDAClient, ListDevicesRequest, ServiceCapability, ServiceProperty,
)

credentials = BasicCredentials(os.environ["IOTDA_AK"], os.environ["IOTDA_SK"],
                               os.environ["IOTDA_PROJECT_ID"])
if os.environ.get("IOTDA_DERIVED") == "1":
    credentials = credentials.with_derived_predicate(BasicCredentials.get_default_derived_predicate())
client = IoTDAClient.new_builder() \
    .with_credentials(credentials) \
    .with_region(Region(id="cn-north-4", endpoint=os.environ["IOTDA_ENDPOINT"])) \
    .build()
derived = os.environ.get("IOTDA_DERIVED") == "1"
node = "node-2" if derived else "node-1"

try:
    if not derived:
        prop = ServiceProperty(property_name="batteryLevel", data_type="int", required=False,
                               min="0", max="100", method="RE")
        service = ServiceCapability(service_id="Battery", service_type="Battery", properties=[prop])
        body = AddProduct(product_id="sdkproduct", name="SDK product", device_type="Meter",
                          protocol_type="MQTT", data_format="json", service_capabilities=[service])
        product = client.create_product(CreateProductRequest(body=body))
        print("created", product.product_id)
    device = client.add_device(AddDeviceRequest(body=AddDevice(
        node_id=node, product_id="sdkproduct",
        auth_info=AuthInfo(auth_type="SECRET", secret="12345678", secure_access=True))))
    print("added", device.device_id, device.status)
    listed = client.list_devices(ListDevicesRequest(product_id="sdkproduct", limit=10))
    print("listed %d: %s" % (listed.page.count, ",".join(d.device_id for d in listed.devices)))
except exceptions.ClientRequestException as e:
    print("refused", e.status_code, e.error_code, e.error_msg)
    sys.exit(1)
