"""The exchange's own WSDL for port type OntvangAsynchroon (koppelvlak ggk0210).

Self-contained, so a client needs one GET: the GGk and StUF schemas are inline in wsdl:types,
and the StUF messages Bv03, Fo01 and Fo03 are declared here too (the official WSDL imports them
from a second document in the StUF namespace; message names are internal to a WSDL, the
elements on the wire are the same).
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from lxml import etree

from .schema import GGK_NS, XSD_DIR

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
XS_NS = "http://www.w3.org/2001/XMLSchema"
SERVICE = "StUFOntvangAsynchroonGGK0210Service"
# operation -> (input message, SOAPAction), as the ggk0210 binding defines them
OPERATIONS = {
    "ggk_Di01": ("ggk_Di01", f"{GGK_NS}/ggk_Di01"),
    "ggk_Du01": ("ggk_Du01", f"{GGK_NS}/ggk_Du01"),
    "Fo01": ("Fo01", "http://www.egem.nl/StUF/StUF0301/Fo01"),
}
_MESSAGES = {  # message -> its element
    "ggk_Di01": "GGK:envelopHeenbericht-ggk_Di01",
    "ggk_Du01": "GGK:envelopRetourbericht-ggk_Du01",
    "Fo01": "StUF:Fo01Bericht",
    "Bv03": "StUF:Bv03Bericht",
    "Fo03": "StUF:Fo03Bericht",
}


def _definitions(address: str) -> str:
    messages = "".join(f'<message name="{m}"><part name="body" element="{e}"/></message>'
                       for m, e in _MESSAGES.items())
    ports = "".join(
        f'<operation name="{op}"><input message="GGK:{msg}"/><output message="GGK:Bv03"/>'
        f'<fault name="fout" message="GGK:Fo03"/></operation>'
        for op, (msg, _) in OPERATIONS.items())
    bindings = "".join(
        f'<operation name="{op}"><soap:operation soapAction="{action}"/>'
        '<input><soap:body use="literal"/></input><output><soap:body use="literal"/></output>'
        '<fault name="fout"><soap:fault name="fout" use="literal"/></fault></operation>'
        for op, (_, action) in OPERATIONS.items())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{WSDL_NS}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:GGK="{GGK_NS}"
    name="ketentest-GGK0210" targetNamespace="{GGK_NS}">
  <documentation>ketentest mock of the GGk: receives ggk_Di01, ggk_Du01 and Fo01 (SOAP 1.1,
    document/literal); answers Bv03, or a SOAP Fault whose detail holds the Fo01.</documentation>
  <types/>
  {messages}
  <portType name="OntvangAsynchroon">{ports}</portType>
  <binding name="SOAPOntvangAsynchroon" type="GGK:OntvangAsynchroon">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    {bindings}
  </binding>
  <service name="{SERVICE}">
    <port name="OntvangAsynchroon" binding="GGK:SOAPOntvangAsynchroon">
      <soap:address location={quoteattr(address)}/>
    </port>
  </service>
</definitions>"""


def render_wsdl(address: str) -> bytes:
    """The WSDL with `address` (e.g. https://host/ggk) as the service's location."""
    root = etree.fromstring(_definitions(address).encode("utf-8"))
    types = root.find(f"{{{WSDL_NS}}}types")
    for name in ("stuf0301.xsd", "ggk0210.xsd"):
        schema = etree.parse(str(XSD_DIR / name)).getroot()
        for imp in schema.findall(f"{{{XS_NS}}}import"):
            imp.attrib.pop("schemaLocation", None)  # inline: found by namespace
        types.append(schema)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
