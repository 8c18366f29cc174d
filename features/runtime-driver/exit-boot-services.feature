Feature: ExitBootServices and its notifications
  The OS loader reads the memory map and passes its key to ExitBootServices; if the
  map changed in between, the call fails and the loader reads the map again. On
  success every notify function of the ExitBootServices group runs: higher TPLs
  first, and within one TPL the most recently created event first (EDK II keeps the
  group's signal list newest first).

  # ref 6.2 step 3
  @requires:os-phase
  Scenario: ExitBootServices with a stale map key fails and succeeds with the current one
    Given the firmware is in the boot phase
    When the OS reads the memory map
    And a runtime driver "Late" that keeps pointers "mBuffer" in runtime memory and converts "mBuffer"
    And the OS calls ExitBootServices with the map key it read
    Then ExitBootServices returns EFI_INVALID_PARAMETER
    When the OS reads the memory map
    And the OS calls ExitBootServices with the map key it read
    Then ExitBootServices returns EFI_SUCCESS

  # ref 6.1 and 6.2 step 4
  @requires:os-phase
  Scenario: The ExitBootServices notify functions run by TPL, newest first within a TPL
    Given the firmware is in the boot phase
    And a runtime driver "AtCallback" that notifies on the event group "ExitBootServices" at TPL_CALLBACK
    And a runtime driver "FirstAtNotify" that notifies on the event group "ExitBootServices" at TPL_NOTIFY
    And a runtime driver "SecondAtNotify" that notifies on the event group "ExitBootServices" at TPL_NOTIFY
    When the OS calls ExitBootServices
    Then the notify functions for "ExitBootServices" ran in the order "SecondAtNotify, FirstAtNotify, AtCallback"

  # ref 6.2: a stale key signals ExitBootServicesFailed, not ExitBootServices
  @requires:os-phase
  Scenario: A failed ExitBootServices does not run the ExitBootServices group
    Given the firmware is in the boot phase
    And a runtime driver "Watcher" that notifies on the event group "ExitBootServices" at TPL_CALLBACK
    And a runtime driver "FailWatcher" that notifies on the event group "ExitBootServicesFailed" at TPL_CALLBACK
    When the OS reads the memory map
    And a runtime driver "Late" that keeps pointers "mBuffer" in runtime memory and converts "mBuffer"
    And the OS calls ExitBootServices with the map key it read
    Then the notify functions for "ExitBootServicesFailed" ran in the order "FailWatcher"
    And the notify functions for "ExitBootServices" ran in the order ""

  Scenario: A signalled group runs its notify functions by TPL
    Given the firmware is in the boot phase
    And a runtime driver "Low" that notifies on the event group "ReadyToBoot" at TPL_CALLBACK
    And a runtime driver "High" that notifies on the event group "ReadyToBoot" at TPL_NOTIFY
    When the firmware signals the event group "ReadyToBoot"
    Then the notify functions for "ReadyToBoot" ran in the order "High, Low"
