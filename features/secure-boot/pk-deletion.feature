Feature: Deleting the PK
  A PK delete signed by the PK (empty payload, newer stamp) returns the platform to
  setup mode and, at boot time, switches Secure Boot off. KEK, db and dbx stay.
  (authenticated-variables-facts.md §1.2 step 4, §1.5 [PROBE F10, H2])

  Background:
    Given a test key "PK1"
    And a test key "KEK1"
    And a test key "DB1"
    And a test key "Other"

  Scenario: Deleting the PK with its own signature returns to setup mode and keeps the other keys
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the platform is in user mode
    And Secure Boot is enabled
    When I delete the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT signed by "PK1"
    Then the status is EFI_SUCCESS
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE does not exist
    And the platform is in setup mode
    And Secure Boot is disabled
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "KEK1"
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"

  Scenario: A PK delete signed by another key is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I delete the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    And the platform is in user mode

  Scenario: A PK delete without a signature is refused in user mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I delete the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT without a signature
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK1"

  # §1.2 step 4: PK requests lacking NV or AT → INVALID_PARAMETER, e.g. Attributes 0 [PROBE F10]
  Scenario: A PK delete with attributes 0 is refused as an invalid parameter
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I delete the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes 0 signed by "PK1"
    Then the status is EFI_INVALID_PARAMETER
    And the platform is in user mode
