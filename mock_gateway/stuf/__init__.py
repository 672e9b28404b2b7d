"""The GGk StUF interface (koppelvlak ggk0210) of the mock exchange, as pure functions.

Gemeente systems talk to the GGk in StUF envelopes over SOAP 1.1: `ggk_Di01` carries a heen
message, `ggk_Du01` a retour message (its crossRefnummer names the Di01), `Fo01` a refusal; the
iWmo/iJw payload travels base64-encoded in parameters/bericht/xmlBestand.

- `check_envelope(data, parties)` -> `Envelope | StufFault`: the GGk's checks in the chain's
  order, with the chain's codes (RIN001, IB007, IB009, IB213, IB210, IB240, IB102, IB103,
  StUF055); see envelope.py.
- `handle_soap(data, parties, submit)` -> `(http_status, body)`: everything POST /ggk does.
- `build_di01`, `build_du01`, `build_fo01`, `build_bv03`, `wrap_for_gemeente`: the messages.
- `render_wsdl(address)`: the WSDL served at GET /ggk?wsdl.
- schema.py: ketentest's own XSDs of these messages (xsd/), compiled once.

Delivery to gemeente systems: push
----------------------------------
The GGk specification (ggk0210 v2.1.04, section 2.3) describes asynchronous traffic in which
each link delivers to the next: the gemeente sends a Di01 to RINIS, RINIS and the
Inlichtingenbureau pass it on, and everything meant for the gemeente (an aanbieder's Di01, the
Du01 answering the gemeente's Di01, and the Fo01 of any link refusing its message) is offered to
the gemeente "with guaranteed delivery" (Digikoppeling). The port type is called
OntvangAsynchroon ("receive asynchronously"), and its operations ggk_Di01, ggk_Du01 and Fo01
are exactly the three kinds of message a gemeente receives: a gemeente system implements this
port type itself, and the GGk calls it. There is no retrieval operation in the WSDL, so a pull
model would be ketentest's invention that no gemeente system implements. Hence: the exchange
pushes to the endpoint URL configured for the gemeente, using `wrap_for_gemeente` for an
aanbieder's iWmo/iJw message (Di01 for 305/307/315/317/323, Du01 with the crossRefnummer of the
gemeente's Di01 for 302/.../320) and `build_fo01` for a refusal, and takes a 2xx with a Bv03 (as
in the WSDL) or an empty body as delivered (mock_gateway/push.py). A gemeente system refuses an
unreadable payload by calling the exchange's Fo01 operation with code StUF055.

Acknowledgement: the WSDL gives every operation the output Bv03, so the endpoint answers an
accepted message with a Bv03 (its crossRefnummer is the message's referentienummer). The
specification says gemeenten receive no Bv03 *messages*, because in the real chain Digikoppeling
acknowledges transport; over plain SOAP the Bv03 response plays that part, and clients generated
from the WSDL expect it. A refusal is answered at once as a SOAP Fault carrying the Fo01 (how
StUF carries a fault on a synchronous answer): a tester sees the code immediately, and the
exchange may also deliver the same Fo01 asynchronously (`refused` hears it).
"""
from .build import (build_bv03, build_di01, build_du01, build_fo01, fo01_element,
                    new_referentienummer, soap_fault, wrap_for_gemeente)
from .endpoint import CONTENT_TYPE, handle_soap, refuse
from .envelope import (Envelope, Fout, Parameters, Parties, PartyBook, Sent, Stuurgegevens,
                       Systeem, UUID4, check_envelope, oversized)
from .faults import CODES, StufFault
from .wsdl import render_wsdl

__all__ = ["CODES", "CONTENT_TYPE", "Envelope", "Fout", "Parameters", "Parties", "PartyBook",
           "Sent", "StufFault", "Stuurgegevens", "Systeem", "build_bv03", "build_di01",
           "build_du01", "build_fo01", "check_envelope", "fo01_element", "handle_soap",
           "new_referentienummer", "oversized", "refuse", "render_wsdl", "soap_fault", "UUID4",
           "wrap_for_gemeente"]
