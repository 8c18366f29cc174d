Feature: Starting from another variable store
  A scenario can start from a variable store other than the factory one: a flash
  image named in the lab-config's stores.yaml. Debian ships its OVMF with three:
  the factory store (no keys), one with Microsoft's keys enrolled and one with its
  snakeoil test key. Keys in a store mean user mode at the next start, and with
  SecureBootEnable not 0, Secure Boot on. Debian's OVMF then does not start its
  built-in Shell, so on qemu-ovmf the keyed stores are not observable.
  (authenticated-variables-facts.md §1.5 and §2)

  Background:
    Given vendor "HilStore" is 5e0a2c61-8d77-4e61-a41b-5b9fd2c0f7a1
    And a test key "Other"

  # The factory store by name starts like the factory store: setup mode, no PK.
  Scenario: The factory store named in stores.yaml starts in setup mode
    Given the firmware is in the boot phase with the variable store "OVMF_VARS_4M.fd"
    Then the platform is in setup mode
    And Secure Boot is disabled
    And the variable "PK" of vendor EFI_GLOBAL_VARIABLE does not exist
    When I set the variable "HilFromStore" of vendor "HilStore" with attributes NV|BS|RT to text "written on a named store"
    Then the status is EFI_SUCCESS
    And the variable "HilFromStore" of vendor "HilStore" holds text "written on a named store"

  # A scenario without a store starts from the factory store again: nothing a store scenario wrote is left.
  Scenario: The next scenario starts from the factory store
    Given the firmware is in the boot phase
    Then the variable "HilFromStore" of vendor "HilStore" does not exist
    And the platform is in setup mode

  # §2: PK, KEK, db and dbx enrolled by EnrollDefaultKeys; §1.5 at init: SetupMode 0, SecureBoot 1
  Scenario: With Microsoft's keys enrolled the platform starts in user mode with Secure Boot on
    Given the firmware is in the boot phase with the variable store "OVMF_VARS_4M.ms.fd"
    Then the platform is in user mode
    And Secure Boot is enabled
    When I get the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the data size is 3143
    And the attributes are NV|BS|RT|AT
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the data size is 76
    When I get the variable "KEK" of vendor EFI_GLOBAL_VARIABLE
    Then the data size is 2565

  # §2: keys enrolled through CustomMode, so VendorKeys is 0
  Scenario: Keys a store was enrolled with in custom mode are not the vendor's keys
    Given the firmware is in the boot phase with the variable store "OVMF_VARS_4M.ms.fd"
    Then the variable "VendorKeys" of vendor EFI_GLOBAL_VARIABLE holds hex "00"
    And the variable "VendorKeysNv" of vendor 9073e4e0-60ec-4b6e-9903-4c223c260f3c holds hex "00"
    And the variable "CustomMode" of vendor c076ec0c-7028-4399-a072-71ee5c448b9f holds hex "00"

  # §1.4 user mode: db without a signature, or signed by a key not in KEK, is refused
  Scenario: In user mode db cannot be replaced without a signature or with a foreign key
    Given the firmware is in the boot phase with the variable store "OVMF_VARS_4M.ms.fd"
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "Other" without a signature
    Then the status is EFI_SECURITY_VIOLATION
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "Other" signed by "Other"
    Then the status is EFI_SECURITY_VIOLATION
    When I get the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the data size is 3143

  # §2: the snakeoil store has the same key as PK, KEK and db
  Scenario: With the snakeoil key enrolled the platform starts in user mode with Secure Boot on
    Given the firmware is in the boot phase with the variable store "OVMF_VARS_4M.snakeoil.fd"
    Then the platform is in user mode
    And Secure Boot is enabled
    When I get the variable "dbx" of vendor EFI_IMAGE_SECURITY_DATABASE
    Then the status is EFI_SUCCESS
    And the data size is 76
