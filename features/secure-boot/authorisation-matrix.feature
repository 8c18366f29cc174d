Feature: Who may sign which Secure Boot key in user mode
  Once a PK is enrolled, a new PK must be signed by the current PK (no chaining), a
  KEK by the PK, and db or dbx by the PK or by any certificate in KEK (chains through
  the certificates in the signature are allowed). Anything else, and any write without
  a signature, is a security violation.
  (authenticated-variables-facts.md §1.2 step 4, §1.3 e, §1.4)

  Background:
    Given a test key "PK1"
    And a test key "PK2"
    And a test key "KEK1"
    And a test key "KEK2"
    And a test key "DB1"
    And a test key "Other"
    And a test key "KEK1 Leaf" issued by "KEK1"
    And a test key "PK1 Leaf" issued by "PK1"

  # §1.4 user mode, KEK: PK
  Scenario: A KEK signed by the PK is accepted
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the platform is in user mode
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK2" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "KEK2"

  # §1.4: a KEK is not signed by a KEK
  Scenario: A KEK signed by the current KEK is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK2" signed by "KEK1"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "KEK1"

  Scenario: A KEK without a signature is refused in user mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "KEK" of vendor EFI_GLOBAL_VARIABLE does not exist

  # §1.4 user mode, db: any KEK X509
  Scenario: A db signed by a KEK certificate is accepted
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" signed by "KEK1"
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"

  # §1.2 step 4: db/dbx try the PK first [PROBE F1]
  Scenario: A db signed by the PK is accepted
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"

  # §1.3 e Kek: chains are allowed [PROBE F2]
  Scenario: A dbx signed by a key the KEK certificate issued is accepted
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the SHA-256 list of text "revoked" signed by "KEK1 Leaf"
    Then the status is EFI_SUCCESS
    And the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE holds the SHA-256 list of text "revoked"

  Scenario: A db signed by a key that is neither PK nor KEK is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE does not exist

  Scenario: A db without a signature is refused in user mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE does not exist

  # §1.4 user mode, PK: signed by the current PK certificate
  Scenario: A new PK signed by the current PK replaces it
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK2" signed by "PK1"
    Then the status is EFI_SUCCESS
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK2"
    And the platform is in user mode

  # §1.3 e Pk: the signer must be the PK certificate itself, no chaining [PROBE F12]
  Scenario: A new PK signed by a key the PK issued is refused
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK2" signed by "PK1 Leaf"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK1"

  Scenario: A new PK signed by the key it enrols is refused in user mode
    Given the firmware is in the boot phase
    When I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK2" signed by "PK2"
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE holds the certificate list of "PK1"
