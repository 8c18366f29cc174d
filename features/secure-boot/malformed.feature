Feature: Malformed authentication descriptors, signature lists and attributes
  The variable driver checks the EFI_VARIABLE_AUTHENTICATION_2 sizes before anything
  else (security violation), VarCheck checks the attributes of the Secure Boot
  variables (invalid parameter), and CheckSignatureListFormat the lists of PK, KEK,
  db and dbx (invalid parameter). Descriptors are written here byte by byte with the
  ordinary SetVariable step and attributes NV|BS|RT|AT.
  (authenticated-variables-facts.md §1.1, §1.2, §1.3 c, §1.7)

  Background:
    Given vendor "AuthVarTest" is 7f5c5d52-2f14-4f12-967c-db60db05a0fd
    And a test key "KeyA"
    And a test key "DB1"

  # §1.2 step 1: DataSize < 40 → SV [PROBE D6]
  Scenario: Data shorter than the descriptor is a security violation
    Given the firmware is in the boot phase
    When I set the variable "HilAuthShort" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to 39 bytes of 0x00
    Then the status is EFI_SECURITY_VIOLATION

  # §1.2 step 1: dwLength < 24 → SV [PROBE D6]
  Scenario: A dwLength below the certificate header is a security violation
    Given the firmware is in the boot phase
    # TimeStamp 2024-01-01 00:00:01 | dwLength 16 | wRevision 0x0200 | 0x0EF1 | EFI_CERT_TYPE_PKCS7_GUID | payload "ab"
    When I set the variable "HilAuthLen" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to hex "e8070101000001000000000000000000 10000000 0002 f10e 9dd2af4adf68ee498aa9347d375665a7 6162"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilAuthLen" of vendor "AuthVarTest" does not exist

  # §1.2 step 1: dwLength > DataSize − 16 → SV
  Scenario: A dwLength running past the data is a security violation
    Given the firmware is in the boot phase
    # dwLength 0x100, but only 26 bytes follow the timestamp
    When I set the variable "HilAuthLong" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to hex "e8070101000001000000000000000000 00010000 0002 f10e 9dd2af4adf68ee498aa9347d375665a7 6162"
    Then the status is EFI_SECURITY_VIOLATION

  # §1.3 c: wCertificateType ≠ 0x0EF1 → SV on the signed path [PROBE D9]
  Scenario: A private variable with another certificate type is a security violation
    Given the firmware is in the boot phase
    # wCertificateType 0x0EF0 (WIN_CERT_TYPE_PKCS_SIGNED_DATA would be 0x0002)
    When I set the variable "HilAuthType" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to hex "e8070101000001000000000000000000 18000000 0002 f00e 9dd2af4adf68ee498aa9347d375665a7 6162"
    Then the status is EFI_SECURITY_VIOLATION

  # §1.4: the no-signature path of setup mode accepts any certificate type [PROBE E1]
  Scenario: In setup mode db accepts a descriptor with another certificate type
    Given the firmware is in the boot phase
    # TimeStamp | dwLength 24 | 0x0200 | 0x0EF0 | CertType all zero | one SHA-256 list of SHA-256("")
    When I set the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to hex "e8070101000001000000000000000000 18000000 0002 f00e 00000000000000000000000000000000 2616c4c14c509240aca941f936934328 4c000000 00000000 30000000 dec0a75e577e1d4b9f000000000000a1 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of no data

  # §1.7: lists that do not tile the payload → INVALID_PARAMETER [PROBE E4]
  Scenario: A db payload that is not a signature list is an invalid parameter
    Given the firmware is in the boot phase
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to text "not a signature list" without a signature
    Then the status is EFI_INVALID_PARAMETER
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE does not exist

  # §1.7: SHA-256 entries must hold 32 bytes [PROBE E3]
  Scenario: A SHA-256 list with 20-byte entries is an invalid parameter
    Given the firmware is in the boot phase
    # SHA256 type | ListSize 64 | HeaderSize 0 | SignatureSize 36 | owner | 20 bytes
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to hex "2616c4c14c509240aca941f936934328 40000000 00000000 24000000 dec0a75e577e1d4b9f000000000000a1 0000000000000000000000000000000000000000" without a signature
    Then the status is EFI_INVALID_PARAMETER

  # §1.2 step 2: PK/KEK/db/dbx must be exactly NV|BS|RT|AT — a VarCheck property, checked after EndOfDxe
  Scenario: A db without RT is an invalid parameter
    Given the firmware is in the boot phase
    And the firmware signals EndOfDxe
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_INVALID_PARAMETER
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE does not exist

  # §1.2 step 4: PK requests lacking AT → INVALID_PARAMETER
  Scenario: A PK written without the authenticated attribute is an invalid parameter
    Given the firmware is in the boot phase
    When I set the variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT to the certificate list of "KeyA"
    Then the status is EFI_INVALID_PARAMETER
    And the platform is in setup mode

  # §1.2 step 1: AW together with AT → UNSUPPORTED
  Scenario: Both authenticated attributes together are unsupported
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthBoth" of vendor "AuthVarTest" with attributes NV|BS|RT|AW|AT to text "value" signed by "KeyA"
    Then the status is EFI_UNSUPPORTED

  # §1.2 step 2: SetupMode and SecureBoot are read-only after EndOfDxe (VarCheck) [PROBE B]
  Scenario: The mode variables are write-protected
    Given the firmware is in the boot phase
    And the firmware signals EndOfDxe
    When I set the variable "SetupMode" of vendor EFI_GLOBAL_VARIABLE with attributes BS|RT to hex "00"
    Then the status is EFI_WRITE_PROTECTED
    When I set the variable "SecureBoot" of vendor EFI_GLOBAL_VARIABLE with attributes BS|RT to hex "01"
    Then the status is EFI_WRITE_PROTECTED
    And the platform is in setup mode
