Feature: Enrolling Secure Boot keys
  A factory OVMF store has no PK, so the platform starts in setup mode with Secure
  Boot off. In setup mode KEK, db and dbx are written with an authentication
  descriptor but no signature, and the PK must be signed by the key it enrols.
  Enrolling the PK moves the platform to user mode at once; at boot time Secure
  Boot is switched on with it.
  (authenticated-variables-facts.md §1.4, §1.5; statuses measured on Debian's OVMF)

  Background:
    Given a test key "PK1"
    And a test key "KEK1"
    And a test key "DB1"
    And a test key "Other"

  # §1.5 at init: SetupMode = 1 exactly when PK is absent; SecureBoot = 0 outside user mode
  Scenario: A factory store is in setup mode with Secure Boot disabled
    Given the firmware is in the boot phase
    Then the platform is in setup mode
    And Secure Boot is disabled
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE does not exist

  # §1.4 setup mode, PK: self-signed by the payload's certificate; §1.5 [PROBE E10]
  Scenario: A PK signed by the key it enrols moves the platform to user mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK1"
    And the platform is in user mode
    And Secure Boot is enabled

  # §1.4: setup mode, unsigned PK → SV [PROBE E8]
  Scenario: A PK without a signature is refused even in setup mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" without a signature
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE does not exist
    And the platform is in setup mode

  # §1.3 e, Payload: in setup mode the trust anchor is the first certificate of the new PK
  Scenario: A PK signed by another key than the one it enrols is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    And the platform is in setup mode

  # §1.4 setup mode: KEK and db need no signature
  Scenario: In setup mode KEK, db and dbx are written without a signature
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked image" without a signature
    Then the status is EFI_SUCCESS
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "KEK1"
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"
    And the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "revoked image"
    And the platform is in setup mode
    And Secure Boot is disabled

  # The order EDK II's EnrollDefaultKeys uses, PK last (§2)
  Scenario: A full enrolment ends in user mode with every key in place
    Given the firmware is in the boot phase
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the platform is in user mode
    And Secure Boot is enabled
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "KEK1"
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"
