from coachmentor.cli.app import main

main()
