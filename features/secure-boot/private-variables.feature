Feature: Private authenticated variables
  A time-based authenticated variable outside the Secure Boot keys trusts its first
  signer: EDK II records SHA-256(CN of the signer ‖ tbsCertificate of the top
  certificate) in certdb, and later writes must reproduce it. The signer needs a
  subject CN. An unsigned delete with the same attributes and an empty payload
  removes the variable (OVMF's physical presence is always true).
  Modelled on FWTS uefirtauthvar, with the project's own keys.
  (authenticated-variables-facts.md §1.6, §3)

  Background:
    Given vendor "AuthVarTest" is 7f5c5d52-2f14-4f12-967c-db60db05a0fd
    And a test key "KeyA"
    And a test key "KeyB"
    And a test key "Root"
    And a test key "Leaf" issued by "Root"
    And a test key "Anonymous" without a common name

  # FWTS uefirtauthvar steps 1–7 [PROBE]
  Scenario: Create, replay, another signer, append, update and delete
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "1234567890abcdef" signed by "KeyA" at 2024-03-01 03:41:15
    Then the status is EFI_SUCCESS
    And the variable "HilAuthVar" of vendor "AuthVarTest" holds text "1234567890abcdef"
    When I set the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "1234567890abcdef" signed by "KeyA" at 2024-03-01 03:41:15
    Then the status is EFI_SECURITY_VIOLATION
    When I set the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "other signer" signed by "KeyB" at 2024-03-01 05:52:01
    Then the status is EFI_SECURITY_VIOLATION
    When I append text "0123456789" to the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT signed by "KeyA"
    Then the status is EFI_SUCCESS
    And the variable "HilAuthVar" of vendor "AuthVarTest" holds text "1234567890abcdef0123456789"
    When I set the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "updated!!!" signed by "KeyA" at 2024-03-01 06:08:33
    Then the status is EFI_SUCCESS
    And the variable "HilAuthVar" of vendor "AuthVarTest" holds text "updated!!!"
    When I delete the authenticated variable "HilAuthVar" of vendor "AuthVarTest" with attributes NV|BS|RT|AT signed by "KeyA"
    Then the status is EFI_SUCCESS
    And the variable "HilAuthVar" of vendor "AuthVarTest" does not exist

  # §1.6 Create: a chain's digest is CN(signer) ‖ tbsCertificate(top)
  Scenario: A variable created by a key with an issuer is updated by the same key
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthChain" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "one" signed by "Leaf"
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "HilAuthChain" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "two" signed by "Leaf"
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "HilAuthChain" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "three" signed by "Root"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilAuthChain" of vendor "AuthVarTest" holds text "two"

  # §1.6: without a CN X509GetCommonName fails → SV
  Scenario: A signer without a common name cannot create a private variable
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthNoCn" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "value" signed by "Anonymous"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilAuthNoCn" of vendor "AuthVarTest" does not exist

  # §1.6 Unsigned delete [PROBE D7]
  Scenario: An unsigned delete with the same attributes removes the variable
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthDel" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "value" signed by "KeyA"
    Then the status is EFI_SUCCESS
    When I delete the authenticated variable "HilAuthDel" of vendor "AuthVarTest" with attributes NV|BS|RT|AT without a signature
    Then the status is EFI_SUCCESS
    And the variable "HilAuthDel" of vendor "AuthVarTest" does not exist

  # §1.6 Unsigned delete: Attributes 0 → WRITE_PROTECTED; different attributes → INVALID_PARAMETER [PROBE D8]
  Scenario: An unsigned delete with attributes 0 or other attributes is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthKeep" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "value" signed by "KeyA"
    Then the status is EFI_SUCCESS
    When I delete the authenticated variable "HilAuthKeep" of vendor "AuthVarTest" with attributes 0 without a signature
    Then the status is EFI_WRITE_PROTECTED
    When I delete the authenticated variable "HilAuthKeep" of vendor "AuthVarTest" with attributes NV|BS|AT without a signature
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilAuthKeep" of vendor "AuthVarTest" holds text "value"

  # §1.6: a correctly signed empty payload for a missing variable → NOT_FOUND [PROBE C12, D10]
  Scenario: A signed delete of a missing private variable is not found
    Given the firmware is in the boot phase
    When I delete the authenticated variable "HilAuthMissing" of vendor "AuthVarTest" with attributes NV|BS|RT|AT signed by "KeyA"
    Then the status is EFI_NOT_FOUND

  Scenario: A volatile private variable follows the same rules
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilAuthVolatile" of vendor "AuthVarTest" with attributes BS|RT|AT to text "one" signed by "KeyA"
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "HilAuthVolatile" of vendor "AuthVarTest" with attributes BS|RT|AT to text "two" signed by "KeyB"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilAuthVolatile" of vendor "AuthVarTest" holds text "one"
