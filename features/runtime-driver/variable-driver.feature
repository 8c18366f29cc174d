@requires:os-phase
Feature: The variable services in virtual mode go through the wrapper's converted pointers
  After SetVirtualAddressMap every variable call goes through the runtime variable
  wrapper (VariableSmmRuntimeDxe): its communicate buffer pointer and its MM
  Communication protocol pointer must have been converted by its VirtualAddressChange
  notify. The runtime-cache pointers are NULL in OVMF and converted with
  EFI_OPTIONAL_PTR.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # ref 5.3 "SetVirtualAddressMap" row
  Scenario: The variable wrapper converts its pointers and keeps working
    Given the firmware is in the boot phase
    When I set the variable "HilVirtual" of vendor "TestVendor" with attributes NV|BS|RT to text "before"
    And the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the driver "VariableSmmRuntimeDxe" got EFI_SUCCESS converting "mVariableBuffer"
    And the driver "VariableSmmRuntimeDxe" got EFI_SUCCESS converting "mMmCommunication2"
    And the driver "VariableSmmRuntimeDxe" got EFI_SUCCESS converting "mVariableRuntimeNvCacheBuffer"
    And the variable "HilVirtual" of vendor "TestVendor" holds text "before"
    When I set the variable "HilVirtual" of vendor "TestVendor" with attributes NV|BS|RT to text "after"
    Then the status is EFI_SUCCESS
    And the variable "HilVirtual" of vendor "TestVendor" holds text "after"
    And no runtime fault is reported

  Scenario: A wrapper that forgets its protocol pointer fails the first call in virtual mode, naming the pointer
    Given the firmware is in the boot phase
    And the driver "VariableSmmRuntimeDxe" forgets to convert "mMmCommunication2"
    When the OS calls ExitBootServices
    And I get the variable "HilAnything" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND
    When the OS calls SetVirtualAddressMap
    And I get the variable "HilAnything" of vendor "TestVendor"
    Then the last call ended with the runtime fault "mMmCommunication2 was not converted"
    And the fault "mMmCommunication2 was not converted" is reported for driver "VariableSmmRuntimeDxe"

  Scenario: A wrapper that forgets its buffer pointer fails a SetVariable in virtual mode
    Given the firmware is in the boot phase
    And the driver "VariableSmmRuntimeDxe" forgets to convert "mVariableBuffer"
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    And I set the variable "HilAnything" of vendor "TestVendor" with attributes NV|BS|RT to text "x"
    Then the last call ended with the runtime fault "mVariableBuffer was not converted"
