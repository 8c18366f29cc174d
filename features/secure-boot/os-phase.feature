@requires:os-phase
Feature: Secure Boot updates from the OS
  An OS updates dbx the way Microsoft's and the distributions' revocation updates do:
  an APPEND of a SHA-256 list signed by a KEK, written at runtime (on Linux through
  efivarfs: the attribute word followed by the descriptor and the payload).
  (authenticated-variables-facts.md §5)

  Background:
    Given a test key "PK1"
    And a test key "KEK1"
    And a test key "Other"

  Scenario: The OS appends a revocation to dbx signed by the KEK
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the platform is in user mode
    Given the OS is running
    When I append the SHA-256 list of text "revoked 2" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the data size is 152

  Scenario: The OS cannot append to dbx with a key that is not in KEK
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Given the OS is running
    When I append the SHA-256 list of text "revoked 2" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "revoked 1"
