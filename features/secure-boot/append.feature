Feature: Appending to db and dbx
  An OS adds revocations to dbx (and certificates to db) with APPEND, signed by a KEK.
  Entries already stored, owner included, are dropped from the appended lists; an
  append made only of duplicates succeeds and changes nothing.
  (authenticated-variables-facts.md §1.7 FilterSignatureList [PROBE F4, F7b])

  Background:
    Given a test key "PK1"
    And a test key "KEK1"
    And a test key "DB1"
    And a test key "DB2"

  Scenario: Appending a hash to dbx adds a second signature list
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the platform is in user mode
    When I append the SHA-256 list of text "revoked 2" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the data size is 152
    And the attributes are NV|BS|RT|AT

  Scenario: Appending a hash dbx already holds succeeds and changes nothing
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I append the SHA-256 list of text "revoked 1" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    And the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "revoked 1"

  Scenario: Appending a certificate db already holds keeps one copy
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I append the certificate list of "DB1" to the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"

  Scenario: Appending a new certificate to db is signed like a write
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I append the certificate list of "DB2" to the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "DB1"
    Then the status is EFI_SECURITY_VIOLATION
    When I append the certificate list of "DB2" to the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    When I get the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the attributes are NV|BS|RT|AT
