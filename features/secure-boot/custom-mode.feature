Feature: Custom mode
  With CustomMode = 1 (NV|BS, one byte, under EFI_CUSTOM_MODE_ENABLE_GUID) PK, KEK, db
  and dbx are written without a signature even in user mode, and VendorKeys drops to 0
  for good. OVMF treats every boot-time caller as physically present, so any code may
  switch custom mode on before ExitBootServices.
  (authenticated-variables-facts.md §1.4, §1.5 [PROBE G1, G2])

  Background:
    Given vendor "CustomModeVendor" is c076ec0c-7028-4399-a072-71ee5c448b9f
    And a test key "PK1"
    And a test key "KEK1"
    And a test key "DB1"

  Scenario: In custom mode db is written without a signature and VendorKeys drops to 0
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    Then the platform is in user mode
    And the variable "VendorKeys" of vendor EFI_GLOBAL_VARIABLE holds hex "01"
    When I set the variable "CustomMode" of vendor "CustomModeVendor" with attributes NV|BS to hex "01"
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_SUCCESS
    And the variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE holds the certificate list of "DB1"
    And the variable "VendorKeys" of vendor EFI_GLOBAL_VARIABLE holds hex "00"
    And the platform is in user mode

  Scenario: Leaving custom mode requires signatures again
    Given the firmware is in the boot phase
    When I set the authenticated variable "KEK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "KEK1" without a signature
    And I set the authenticated variable "PK" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT|AT to the certificate list of "PK1" signed by "PK1"
    And I set the variable "CustomMode" of vendor "CustomModeVendor" with attributes NV|BS to hex "01"
    And I set the variable "CustomMode" of vendor "CustomModeVendor" with attributes NV|BS to hex "00"
    Then the status is EFI_SUCCESS
    When I set the authenticated variable "db" of vendor EFI_IMAGE_SECURITY_DATABASE with attributes NV|BS|RT|AT to the certificate list of "DB1" without a signature
    Then the status is EFI_SECURITY_VIOLATION

  # §1.2 step 2: CustomMode must be exactly NV|BS
  Scenario: CustomMode with other attributes is refused
    Given the firmware is in the boot phase
    When I set the variable "CustomMode" of vendor "CustomModeVendor" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_INVALID_PARAMETER
