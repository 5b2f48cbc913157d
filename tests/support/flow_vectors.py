"""Published test vectors of WhatsApp Flows encryption (reference whatsapp-flows.md §5.12, §6.5).

Request/response and the JPEG media file: pywa's test-suite (github.com/david-lev/pywa,
tests/test_server.py, MIT licence), captured from WhatsApp with a key pywa has since reset
(passphrase "pywa"). The PDF media file: the reference document's own vector (§6.5). Nothing
here is secret; the values are copied verbatim and must never be "fixed" to make a test pass.
"""

from __future__ import annotations

PYWA_PRIVATE_KEY = """-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFJDBWBgkqhkiG9w0BBQ0wSTAxBgkqhkiG9w0BBQwwJAQQkgClH0obPRRd3cmr
s0LvRAICCAAwDAYIKoZIhvcNAgkFADAUBggqhkiG9w0DBwQIWxsUnYjosHEEggTI
tIwws0TcJNJ+IoMfNfalxb8FpV8JzIXNPKoS2vBNhni3F6tk6tYSsBW7p5Wl/1jv
0fmf6iZhGgidFT5KvxRI7Z9FyD4FAKKxMsIsrxdqblupaB/2L1dHM2foBmKZTKVP
pMkiGYCRM+uPQWao/etBvTf1IKQw5phFJ6J/NVhlU6hSh3SjMp9CN4Xy6rA7wcfu
yYfrSUBHoCZZMvdWkCxo9sQ0N/nvU1FpBO0ZZQ+WDRKKg3g8BD8jWKRVM+uzZdVx
oWLoqkIWlNuCbObYsWvK07q9qryG0WeeZtPRti6Tp/TW2NMSqIN5Zx1jHLAYPU0V
3fgt3TmHPphy8etyXEg7PBJToCgTw6snnDqQDJm4nfJPg9UxxUvkkN8Tk+5P3o/0
E2Hf3RhYIqraKhuZAToA5Isniez/L/O5Fyjye0ShOFF9auhsmLDKbdG6wL+2CX1+
cQAash4HE2Xlj9v2iVC5mlnU9e7F1EyhJNAkmbr+i2z+93Wp/XytAx9xGV6lt7J8
gv454dCSQ5brByM/D12yyB5mcKX73MkaECa2iu/qH30H10S91IgiLUOQsS9A8ABi
S32U9SlYGfwlyV7izOXiS5vnk2XiihYFKPIdoNgcq3FPDXZoJr9u/ipZl/viTzWP
2V9DTODpTWuERIUCi8Lrg82HA62yNLO6Z5ib7+oHgpsTrhxWbqvxa8T4EL7V2Hx+
AqD2/M9easd2Atl6mI8uekjndL8sKNJ2kNlG54PMddgZzoIMYPnYp0ZPCtds+KIj
pwHK0nGL+kih0R9FLHLm0YKIYgD/i13N0vD+qSd0/PC66Bcnm5CqDlOYMyweBzvv
TrnUgTCUyMVGbKJ4mpBMHQOSoVfGuE18zkfvoUmqXNEUiOj3v61ODs50zrz9GzeL
r8mehVuSY82CDqPM7vbJS+UIgrPi9cqhxv1APcV+FW+nDux3hyvyG6mHxSOoaTz/
tmAXqxZ7IJKRJW+p2Qw9FjSrQOjjfCDWRKNd3m7WhHlceKWuh6fargYbs3A7jIf7
+BaGTOfx/EcbgWrrvQ6FgdNqiijUfxmk0nTtFAaAACs/V9wOiqZLCBP+Uqv5GL7T
X2+yrJtpe2A/Jc/0VC7utOK7HPHO9y+mqkFm2SzCUnN4PDCIm6L4yDdzdjsAxj6n
YcG2AYnZhPGstAXYeQThbbgnOa76hpr4FDFb7y5OMQvbb7uDAs6goHd8yrlGdMub
KqalC3IWh9RbnDbXQLFkTG9ijaswbKu0Q4DRIjVtN/RRlYrLqKE/P/uy99GQ+zxC
vUSUci1YVbkGaTC7OMeLWf2gPptcEOXRqZhluEFIxIeMD2ykv50nfZWl6wBQRyas
+MsEoHCZYtb8ZgA8adAh0bFo/zsh9nu/HeXN6Rk0DIzBv31t6bIubsZ8VAybVetG
vkivZ9yrc5R/lNYCmIIk0YqYr4IU8GMru7l11Ojui08RTESwZ5KcsH1s9CFWuUG4
D8SsbEVopM4IbnZi0X5WWyHreEjfBrcP6+/o+3vzi+sq76v17PXlalypi4kuUjAD
78w/o5vWmS+DWkrr0DqmQZ3nFX3fcrBbP1blr1Nlb5iv3Rwy7tVMF87tpgrnk/4Y
337xpCvNLXW0EwL6KdWqJ7Y6KLjLDmeT
-----END ENCRYPTED PRIVATE KEY-----
"""
PYWA_PASSPHRASE = "pywa"

# An INIT request as WhatsApp sent it, and what it holds.
PYWA_REQUEST = {
    "encrypted_flow_data": "sCTmBCqjs0GkkX6n/nyZDuyjpaijuelY3I/8rlr1ZIEymEzCMnDGQdxQ9OGaKw0CEaWSgc"
    "/GLhuixa8NTQNYXAyVfTaU9H2FWEabWUb8nbZYRdYy81XHUkDCodl4SvBhhufEag==",
    "encrypted_aes_key": "gSTeWDqfKqo1eL73VstmrMm5k5lymwUwXCfuxauPFPoW7Ji9dgcG74Y6YRtoYOAch6Z/Ag"
    "rR7EAlsRi/s8xT/Gx2WWz6zfcXPUQVpoIlp7EgC+HmmA2ZK64g/107yL+vKoUdL0mWJHQf1ml12HszBxOtNlW+7GAMP"
    "ESNDqGpgy1R3Zgz/luStp2INtigps9w2j9+Ktp0smqxHqpUkBWp8xxoWVvzPK4H0jcFm7sjFMpiJ1e1EjApo7iDqldy"
    "s0tMRC+KoOjJVD6aq1gY5s2yYL7iCXXgEAKJItTk/4/mbWWNkRtd9NoEGnMHilcjYOzlUCHehAO9fos+WCLE87JAXw==",
    "initial_vector": "5eCmDjs+VAJwdo5caZtgbw==",
}
PYWA_PLAINTEXT = {
    "data": {},
    "flow_token": "my_flow_token",
    "screen": "",
    "action": "INIT",
    "version": "3.0",
}
PYWA_AES_KEY_B64 = "cScntrUJ8uG6Ytm5GYnsww=="
PYWA_FLIPPED_IV_B64 = "Gh9Z8cTBq/2PiXGjlmSfkA=="
PYWA_ANSWER = {"version": "3.0", "screen": "SUCCESS", "data": {"key": "value"}}
PYWA_ENCRYPTED_ANSWER = (
    "FBEoV73B8mnSt+nzfurVK704zkwHsr1uu/m953h5vNdri5G4Pe/BoDTh6SgzgjrrZ4iP12GO3kti8YW7Tn1KibKaRf8L"
    "E/gps2ATJq3nWSCI"
)

# A webhook body signed with an app secret pywa has since reset (X-Hub-Signature-256).
PYWA_APP_SECRET = "1222e786b144d0e85b9f365372d93676"
PYWA_SIGNED_BODY = (
    b'{"object":"whatsapp_business_account","entry":[{"id":"264937493375603","changes":[{"value":'
    b'{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550953877",'
    b'"phone_number_id":"277321005464405"},"contacts":[{"profile":{"name":"PyWa Tests"},'
    b'"wa_id":"972544401243"}],"messages":[{"from":"972544401243","id":"wamid.HBgMOTcyNTQ0NDAxM'
    b'jQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA","timestamp":"1730231903","text":'
    b'{"body":"Hey there! I am using PyWa."},"type":"text"}]},"field":"messages"}]}]}'
)
PYWA_SIGNATURE = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"

# pywa's media vector: a real 1×1 JPEG (435 bytes) as the CDN served it (458 bytes).
JPEG_CDN_FILE_B64 = (
    "hGHSftflZvBUJFl2o6Oww6k+K8o31YEMd+cvYZJRzv6oPupQkTULWy+D0jNnQtTw1GOVd8aiPrM4f1vvh40sWc7p46+I"
    "BJFl/PlkS1zQjl6kiNcQMUpJMlQT4fVCUg0edN5PQEu9lURRsSgAhOXt6TDw02uw8gGIKDcl0MYzPJGWnNQquy7toUQB"
    "RN36lmVL2eQ0SBYOuGVD/hr7FC8bgZPvxcJ94dKdyt+WsFbpNvxMOYJLRf4R6oqeE3sZq2EFylcRoyNCopOVJpI1fuzF"
    "UXQW7YgNFusGJNgcncy+Y5+eC2t6L/9LGIpnKHdPOXTXzNd6YZTjhWE8jzy2GV3+dpKnVLYMRYYE+9u4spMdEqM+sQF2"
    "Ut7L37KzRdpIdstnG1rQginaFK1Mm5kDCqlw2jgRYMj+6kFlhdecDX+I2SCvyJOY5+EgWcLGyJs5m2aihERMt/yrHNN5"
    "SLXtRcndadFm/xiEzbyAkaQEZ1qFmmXYwVBmK6o9CJt+MBaWm9MTXbFaytT4KPQUArUTUgZ3WcTz5jsQVMoJ9UPmKTX3"
    "79FEVyv1lMB5nd2QgRwpcn1ORZgxbUDtn3H7XuD6UjvfFs4IMZVpPXv+S10="
)
JPEG_METADATA = {
    "encryption_key": "202pQMDtZoAMwJwZJFVPqQOgdJRBahBmGywwSXz5tAY=",
    "hmac_key": "A/72TYylRAHTg/CdXpBtC6T6qcJ2C7Cf2qzZ/hqVASM=",
    "iv": "t1MOy02KXLbsH+NYkqkRXQ==",
    "plaintext_hash": "ZvSgxwXg5fWL7v7ggGHXtMCZYTf/nVFasOdX0p6kiP4=",
    "encrypted_hash": "pDhRHkyevzgkdg5ObY+MfzW5J6/ObZj/OrmAvyUeYA8=",
}
JPEG_PLAINTEXT_SHA256_HEX = "66f4a0c705e0e5f58beefee08061d7b4c0996137ff9d515ab0e757d29ea488fe"
JPEG_PLAINTEXT_BYTES = 435

# The reference document's vector: a 37-byte text file in a 58-byte CDN file.
PDF_CDN_FILE_B64 = (
    "Gh09kfTfA0uQKuMnC3MmG64xBQPa6plOaD4efCdeaXISc4LC7ZHbVvw3d4OQo3Ow1KBXBxNqqurBhA=="
)
PDF_METADATA = {
    "encryption_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "hmac_key": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
    "iv": "QEFCQ0RFRkdISUpLTE1OTw==",
    "encrypted_hash": "8HJUF7Eixu49DHbQouGqEzgeU8+y/kOLDD7f74AcrZU=",
    "plaintext_hash": "q2+fQYJEAnnnf1u+tPmVFfBU4CXpJIUyWtbIxgvCAXM=",
}
PDF_PLAINTEXT = b"%PDF-1.4 test vector for Flows media\n"
