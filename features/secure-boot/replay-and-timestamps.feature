Feature: Timestamps of authenticated writes
  A signed write must carry a timestamp newer than the stored one (date and time
  only; an equal stamp is a replay) and whose Nanosecond, TimeZone, Daylight and
  pads are 0. APPEND skips the age check and keeps the newer of the two stamps.
  Writes that need no signature (setup mode) accept any stamp.
  (authenticated-variables-facts.md §1.3 a, b; §1.4)

  Background:
    Given vendor "AuthVarTest" is 7f5c5d52-2f14-4f12-967c-db60db05a0fd
    And a test key "PK1"
    And a test key "KEK1"

  # §1.3 b: an equal timestamp fails [PROBE F3b]
  Scenario: A db write replayed with the same timestamp is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "first" signed by "KEK1" at 2024-06-01 12:00:00
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "second" signed by "KEK1" at 2024-06-01 12:00:00
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "first"

  Scenario: A db write with an older timestamp is refused and a newer one accepted
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "first" signed by "KEK1" at 2024-06-01 12:00:00
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "older" signed by "KEK1" at 2024-06-01 11:59:59
    Then the status is EFI_SECURITY_VIOLATION
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "newer" signed by "KEK1" at 2024-06-01 12:00:01
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "newer"

  # §1.3 a: Nanosecond ≠ 0 → SV [PROBE D3]
  Scenario: A signed write whose timestamp has a non-zero Nanosecond is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilPrivNano" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "value" signed by "KEK1" at 2024-06-01 12:00:00.000000001
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilPrivNano" of vendor "AuthVarTest" does not exist

  # §1.4: the no-signature paths skip checks a–d [PROBE E1, G2]
  Scenario: In setup mode a KEK without a signature may carry an older stamp or a Nanosecond
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1" at 2023-01-01 00:00:00.5
    Then the status is EFI_SUCCESS
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK1"

  # §1.3 b: with APPEND there is no age check; the stored stamp becomes max(old, new)
  Scenario: An append with an older timestamp is accepted and keeps the newer stamp
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "first" signed by "KEK1" at 2024-06-01 12:00:00
    Then the status is EFI_SUCCESS
    When I append the SHA-256 list of text "second" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the data size is 152
    When I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "third" signed by "KEK1" at 2024-06-01 12:00:00
    Then the status is EFI_SECURITY_VIOLATION

  # SCT AuthVariableServicesBBTestFunction: an update older than a preceding append → SV [PROBE].
  # The append is the scenario's 2nd authenticated write, stamped 2024-01-01 00:00:02.
  Scenario: A private variable updated with a stamp older than its last append is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "HilPrivStamp" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "one" signed by "KEK1" at 2023-12-31 23:00:00
    Then the status is EFI_SUCCESS
    When I append text "two" to the authenticated variable "HilPrivStamp" of vendor "AuthVarTest" with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    And the variable "HilPrivStamp" of vendor "AuthVarTest" holds text "onetwo"
    When I set the authenticated variable "HilPrivStamp" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "three" signed by "KEK1" at 2024-01-01 00:00:01
    Then the status is EFI_SECURITY_VIOLATION
    When I set the authenticated variable "HilPrivStamp" of vendor "AuthVarTest" with attributes NV|BS|RT|AT to text "four" signed by "KEK1" at 2024-01-01 00:00:03
    Then the status is EFI_SUCCESS
    And the variable "HilPrivStamp" of vendor "AuthVarTest" holds text "four"
