@requires:os-phase
Feature: Secure Boot updates from the OS
  An OS updates dbx the way Microsoft's and the distributions' revocation updates do:
  an APPEND of a SHA-256 list signed by a KEK, written at runtime (on Linux through
  efivarfs: the attribute word followed by the descriptor and the payload). The PK is
  enrolled from the OS as well: with a PK enrolled at boot time Secure Boot is on at
  once (§1.5), and OVMF then refuses to start the unsigned OS of the test.
  (authenticated-variables-facts.md §1.5, §5)

  Background:
    Given a test key "PK1"
    And a test key "KEK1"
    And a test key "Other"

  # §1.5: at runtime enrolling the PK sets SetupMode to 0 (SecureBoot is left alone)
  Scenario: The OS enrols the PK and appends a revocation to dbx signed by the KEK
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    Given the OS is running
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the platform is in user mode
    When I append the SHA-256 list of text "revoked 2" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "KEK1"
    Then the status is EFI_SUCCESS
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the data size is 152

  Scenario: The OS cannot append to dbx with a key that is not in KEK
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked 1" without a signature
    Given the OS is running
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the status is EFI_SUCCESS
    When I append the SHA-256 list of text "revoked 2" to the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "revoked 1"
